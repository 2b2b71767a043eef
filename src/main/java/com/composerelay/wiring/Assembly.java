package com.composerelay.wiring;

import com.composerelay.config.Config;
import com.composerelay.core.ApiKeys;
import com.composerelay.core.Metrics;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.Relay;
import com.composerelay.core.Lazy;
import com.composerelay.core.FinalOutcomes;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Publication;
import com.composerelay.core.Runs;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.log.PipelineLogLines;
import com.composerelay.core.RetryPolicy;
import com.composerelay.core.SecretGuard;
import com.composerelay.core.Outcome;
import com.composerelay.core.WholeUpdates;
import com.composerelay.aws.SnsOutcomes;
import com.composerelay.log.Log;
import com.composerelay.metrics.EmfMetrics;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.startup.ReseedableRandom;
import com.composerelay.startup.SnapStartHooks;
import com.composerelay.trigger.ApiGatewayTrigger;
import com.composerelay.trigger.Dispatcher;
import com.composerelay.trigger.SqsTrigger;
import com.composerelay.trigger.ReleaseMessages;
import com.composerelay.core.ImageDeploys;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.ReleaseChannels;
import com.composerelay.trigger.RolloutApiTrigger;
import com.composerelay.trigger.RolloutStarts;
import com.composerelay.trigger.RolloutTaskTrigger;
import com.composerelay.core.RolloutTasks;
import com.composerelay.core.Rollouts;
import com.composerelay.core.RolloutReports;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The composition root: puts the relay together from its configuration, top to bottom, with plain
 * constructors and no container. The adapters ({@link DeployedAdapters}), the routes that are on
 * ({@link Routes}) and the start-up work ({@link StartUpWork}) each have a class of their own.
 */
public final class Assembly {
    private Assembly() {}

    /** The deployed relay, and the SnapStart hooks that prime and renew it. */
    public record Deployed(Dispatcher dispatcher, SnapStartHooks snapStart) {}

    /**
     * The deployed relay: Secrets Manager, Phala over HTTPS, SNS, DynamoDB, SQS; with its start-up
     * work unless a SnapStart snapshot is coming ({@code AWS_LAMBDA_INITIALIZATION_TYPE} is
     * {@code snap-start}: the hooks prime before it instead).
     */
    public static Deployed production(Config config, boolean snapshotComing) {
        return assemble(config, DefaultCredentialsProvider.builder().build(), Clock.systemUTC(), !snapshotComing);
    }

    /** The relay with real AWS clients built from {@code config} (LocalStack in tests); no start-up work. */
    public static Deployed withAws(Config config, AwsCredentialsProvider credentials, Clock clock) {
        return assemble(config, credentials, clock, false);
    }

    /** The deployed relay over {@code credentials}, with or without its start-up work. */
    public static Deployed assemble(Config config, AwsCredentialsProvider credentials, Clock clock, boolean startUp) {
        Log.threshold(config.logLevel());
        Metrics metrics = new EmfMetrics(config.metricsNamespace(), clock, System.out);
        DeployedAdapters deployed = DeployedAdapters.build(config, credentials, clock, metrics);
        Optional<StartUpWork> startUpWork = startUp ? Optional.of(StartUpWork.begin(config, deployed)) : Optional.empty();
        Dispatcher dispatcher = dispatcher(config, deployed.adapters());
        SnapStartHooks hooks = new SnapStartHooks(primingDispatcher(config, deployed.phala(), clock, metrics),
                deployed.priming(), deployed.keys(), deployed.jitter(), rolloutsOn(config));
        startUpWork.ifPresent(work -> work.finish(hooks));
        return new Deployed(dispatcher, hooks);
    }

    /** The relay and its triggers around any adapters: what the deployed relay, priming and the tests share. */
    public static Dispatcher dispatcher(Config config, Adapters adapters) {
        RetryPolicy retry = new RetryPolicy(config.maxAttempts(), config.retryBaseDelay(), config.retryMaxDelay(),
                adapters.jitter());
        Relay.Timing timing = new Relay.Timing(config.attemptTimeout(), config.deadlineReserve(), Duration.ofMillis(100));
        Relay relay = new Relay(adapters.keys(), adapters.phala(), retry, timing, adapters.clock(), adapters.sleeper(),
                adapters.metrics());
        PipelineLogLines log = new PipelineLogLines();
        Publication publication = new Publication(OutcomeJson::write, log, adapters.metrics(), adapters.outcomes(),
                adapters.threads(), adapters.replies());
        Pipeline pipeline = new Pipeline(adapters.table(), publication, log, adapters.clock());
        FinalOutcomes finals = new FinalOutcomes(adapters.table(), publication);
        // The whole update, its watch and the rollouts keep the PATCH's rules: the same relay, retry policy and timing.
        Adapters.Whole whole = adapters.whole();
        Config.Updates updates = config.updates();
        Adapters.RolloutPorts ports = adapters.rollouts();
        // Every report to the topic, and to the chat of a rollout that came with a reply URL (its card).
        RolloutReports reports = new ChatRolloutReports(ports.reports(), adapters.replies());
        Lazy<Rollouts> rollouts = new Lazy<>(() -> new Rollouts(ports.store(), ports.engine(), reports, relay,
                ports.fleet(), config.idempotencyTtl(), adapters.clock()));
        // No watch without a durable table: its one final outcome is claimed there (FinalOutcomes), and at-least-once
        // delivery without it could publish an update's final outcome twice (issue 21). Deployed, rolloutsOn ties them.
        boolean watches = ports.on() && adapters.table().durable();
        WholeUpdates.UpdateWatch watch = !watches ? WholeUpdates.UpdateWatch.none() : new WholeUpdates.UpdateWatch() {
            @Override
            public boolean configured() {
                return true;
            }

            @Override
            public String start(Outcome.Facts facts, String hashBefore) {
                return rollouts.get().watch(facts, facts.whole() == null ? null : facts.whole().appId(), hashBefore,
                        updates.watchInterval(), updates.watchTimeout());
            }
        };
        Lazy<WholeUpdates> wholeUpdates = new Lazy<>(() -> new WholeUpdates(relay, whole.provisioning(), adapters.phala(),
                whole.envSecrets(), whole.sealer(),
                new SecretGuard(updates.envSecretPrefix(), updates.envSecretsPerCvm(), config.ownSecretIds()), watch,
                new WholeUpdates.Watching(updates.watchAlways(), updates.watchTimeout(), updates.watchInterval()),
                adapters.clock()));
        Runs runs = new Runs(relay, wholeUpdates);
        ApiGatewayTrigger api = new ApiGatewayTrigger(runs, pipeline, adapters.clock());
        Optional<RolloutStarts> starts = Optional.empty();
        Optional<RolloutTaskTrigger> tasks = Optional.empty();
        Optional<ReleaseMessages> releases = Optional.empty();
        if (ports.on()) {
            boolean perCvmSecrets = updates.envSecretsPerCvm();
            Lazy<ReleaseChannels> channels = new Lazy<>(() -> new ReleaseChannels(ports.channels(),
                    config.apiKeyCacheTtl(), adapters.clock()));
            ImageDeploys.Releaser releaser = new ImageDeploys.Releaser() {
                @Override
                public ImageDeploys.Prepared prepare(ReleaseChannel channel, String appCompose, ImageDeploys.Image image,
                                                     String key) throws InvalidRequest {
                    return RolloutStart.release(channel, appCompose, image, key, perCvmSecrets);
                }

                @Override
                public Rollouts.Start revert(ReleaseChannel channel, String appCompose, String key) throws InvalidRequest {
                    return RolloutStart.revert(channel, appCompose, key, perCvmSecrets);
                }
            };
            Lazy<ImageDeploys> deploys = new Lazy<>(() -> new ImageDeploys(rollouts.get(), ports.store(), relay,
                    ports.fleet(), releaser));
            releases = Optional.of(new ReleaseMessages(channels, deploys, ports::tags, config.awsRegion(), pipeline,
                    adapters.metrics(), adapters.clock(), adapters.replies()));
            starts = Optional.of(new RolloutStarts(rollouts,
                    (body, key, trigger, actor) -> RolloutStart.read(body, key, trigger, actor, perCvmSecrets)));
            // A watch's final outcome is its update's (Outcome.Facts.requestId: the relay's id of that update).
            RolloutTasks.UpdateEnds ends = (outcome, holdUntil) -> finals.decide(outcome.facts().requestId(), outcome,
                    holdUntil, publication.replyUrlOf(outcome.facts().cvmId(), outcome.facts().requestId()));
            tasks = Optional.of(new RolloutTaskTrigger(new Lazy<>(() -> new RolloutTasks(ports.store(), relay,
                    ports.fleet(), whole.provisioning(), wholeUpdates, RolloutStart::plan, adapters.table(),
                    reports, adapters.clock(), adapters.sleeper(), ends)), ports.engine(), ports.taskQueueArn()));
        }
        SqsTrigger sqs = new SqsTrigger(runs, pipeline, adapters.clock(), config.maxReceiveCount(), starts, releases);
        return new Dispatcher(Routes.triggers(config, adapters, api, sqs, runs, pipeline, finals, publication,
                starts.map(RolloutApiTrigger::new), tasks, starts));
    }

    /** Whether the deployed relay runs rollouts: a state machine, and the table that keeps them. */
    static boolean rolloutsOn(Config config) {
        return config.rollouts().stateMachineArn().isPresent() && config.idempotencyTable().isPresent();
    }

    /**
     * The same code path with stand-ins for everything outside: the real PATCH request is built but
     * not sent, and outcomes are rendered for SNS but not published. With rollouts on, a rollout
     * task runs too, over {@link PrimingRollouts} (its record kept in memory, Phala's fleet calls
     * answered by {@code CannedPhala}, nothing sent). Run before a SnapStart snapshot and by
     * start-up work; its metrics and log lines are muted there.
     */
    public static Dispatcher primingDispatcher(Config config, HttpPhalaApi phala, Clock clock, Metrics metrics) {
        PhalaApi unsent = (update, key, timeout) -> {
            phala.request(update, key, timeout);
            return new PhalaAnswer(202, null, null, Optional.empty(), null);
        };
        ApiKeys key = new ApiKeys() {
            @Override
            public String current() {
                return "priming";
            }

            @Override
            public String refresh(String refused) {
                return "priming";
            }
        };
        Adapters adapters = Adapters.of(key, unsent, SnsOutcomes::render, clock, d -> { }, new ReseedableRandom(),
                metrics);
        if (rolloutsOn(config)) {
            PrimingRollouts.Ports rollouts = PrimingRollouts.ports(config.phalaApiVersion(), clock);
            Adapters a = adapters;
            adapters = new Adapters(a.keys(), a.phala(), a.table(), a.outcomes(), a.threads(), a.replies(),
                    a.signingSecrets(), a.queue(), a.clock(), a.sleeper(), a.jitter(), a.metrics(),
                    new Adapters.Whole(rollouts.phala(), a.whole().envSecrets(), a.whole().sealer()), a.clientApi(),
                    rollouts.rollouts());
        }
        return dispatcher(config, adapters);
    }
}
