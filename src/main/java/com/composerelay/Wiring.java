package com.composerelay;

import com.composerelay.aws.AwsCallDeadline;
import com.composerelay.aws.AwsClients;
import com.composerelay.aws.DynamoDbIdempotencyStore;
import com.composerelay.aws.DynamoDbThreads;
import com.composerelay.aws.JdkSdkHttpClient;
import com.composerelay.aws.Priming;
import com.composerelay.aws.SecretsManagerSigningSecrets;
import com.composerelay.aws.SqsUpdateQueue;
import com.composerelay.chat.ChatReplies;
import com.composerelay.chat.SlackAllowlist;
import com.composerelay.chat.SlackReplies;
import com.composerelay.chat.UpdateQueue;
import com.composerelay.core.ApiKeys;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.snapstart.ReseedableRandom;
import com.composerelay.snapstart.SnapStartHooks;
import com.composerelay.core.Threads;
import com.composerelay.trigger.HookTrigger;
import com.composerelay.trigger.PhalaEventsTrigger;
import com.composerelay.trigger.SlackCommandTrigger;
import com.composerelay.trigger.WebhookRoutes;
import com.composerelay.webhook.SigningSecrets;
import java.net.http.HttpClient;
import java.util.Optional;
import java.util.stream.Stream;
import com.composerelay.aws.SecretsManagerApiKeys;
import com.composerelay.aws.SnsOutcomes;
import com.composerelay.config.Config;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.Lazy;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcomes;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.Relay;
import com.composerelay.core.RetryPolicy;
import com.composerelay.log.Log;
import com.composerelay.metrics.EmfMetrics;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.trigger.ApiGatewayTrigger;
import com.composerelay.trigger.SqsTrigger;
import com.composerelay.trigger.Triggers;
import java.time.Clock;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Puts the relay together from its configuration: plain constructors, no container. */
public final class Wiring {
    private Wiring() {}

    /** The longest initialisation waits for its start-up work (Lambda allows 10 s). */
    static final Duration START_UP_BOUND = Duration.ofSeconds(2);

    /** The deployed relay, and the SnapStart hooks that prime and renew it. */
    public record Deployed(Dispatcher dispatcher, SnapStartHooks snapStart) {}

    /**
     * The deployed relay: Secrets Manager, Phala over HTTPS, SNS, DynamoDB, SQS. Unless a SnapStart
     * snapshot is being made ({@code snapshotComing}: Lambda's {@code AWS_LAMBDA_INITIALIZATION_TYPE}
     * is {@code snap-start}; the hooks prime before it instead), start-up work runs on threads of its
     * own before this returns (at most {@link #START_UP_BOUND}): the HTTP client (TLS set-up) is made,
     * the SDK clients built and their calls primed against canned answers, the key read, and the
     * relay's code path run on sample events.
     */
    public static Deployed production(Config config, boolean snapshotComing) {
        return assemble(config, DefaultCredentialsProvider.builder().build(), Clock.systemUTC(), !snapshotComing);
    }

    /** The relay with real AWS clients built from {@code config} (LocalStack in tests); no start-up work. */
    public static Deployed withAws(Config config, AwsCredentialsProvider credentials, Clock clock) {
        return assemble(config, credentials, clock, false);
    }

    static Deployed assemble(Config config, AwsCredentialsProvider credentials, Clock clock, boolean startUp) {
        Log.threshold(config.logLevel());
        Metrics metrics = new EmfMetrics(config.metricsNamespace(), clock, System.out);
        Lazy<HttpClient> http = new Lazy<>(() -> HttpPhalaApi.newClient(config.connectTimeout()));
        AwsClients aws = new AwsClients(config, credentials, new JdkSdkHttpClient(http));
        // Every AWS call ends before the Lambda deadline: those before the PATCH leave the reserve.
        AwsCallDeadline beforePatch = new AwsCallDeadline(clock, config.deadlineReserve());
        AwsCallDeadline afterPatch = new AwsCallDeadline(clock, AwsCallDeadline.ANSWER_MARGIN);
        CachingApiKeys keys = new CachingApiKeys(new SecretsManagerApiKeys(aws::secretsManager, config.apiKeySecretId(),
                beforePatch), config.apiKeyCacheTtl(), clock, metrics);
        Priming priming = new Priming(config, credentials, clock);
        Config.ChatOps chat = config.chatOps();
        SecretsManagerSigningSecrets signingSecrets =
                new SecretsManagerSigningSecrets(aws::secretsManager, config.apiKeyCacheTtl(), clock, beforePatch);
        if (startUp) {
            // Three start-up threads, on Lambda's full vCPU of initialisation: the first makes the TLS
            // context and reads the secrets (the network part), the second builds and primes the
            // clients of the calls that follow, and the third (below, once the relay is wired) runs the
            // relay's own code on sample events. Each overlaps the others' waits; more threads
            // measured no better (docs/PERFORMANCE.md, #16).
            aws.startUp("http+secrets-manager", () -> {
                http.get();
                aws.secretsManager();
                keys.prefetch();
                // The signed routes' secrets too: Slack's first slash command must be answered in 3 s.
                Stream.of(chat.slackSigningSecretId(), chat.hookSecretId(), chat.phalaWebhookSecretId())
                        .flatMap(Optional::stream).forEach(signingSecrets::prefetch);
            });
            aws.startUp("dynamodb+sns", () -> {
                if (config.idempotencyTable().isPresent()) {
                    aws.dynamoDb();
                    priming.dynamoDb();
                }
                aws.sns();
                priming.sns();
                if (chat.slackRoute()) {
                    aws.sqs();
                }
            });
        }
        HttpPhalaApi phala = new HttpPhalaApi(http, config.phalaBaseUrl(), config.phalaApiVersion(), clock);
        ReseedableRandom jitter = new ReseedableRandom();
        IdempotencyStore idempotency = IdempotencyStore.none();
        Threads threads = Threads.none();
        if (config.idempotencyTable().isPresent()) {
            String table = config.idempotencyTable().get();
            idempotency = new DynamoDbIdempotencyStore(aws::dynamoDb, table, config.idempotencyTtl(), clock,
                    beforePatch, afterPatch);
            // Threads are read only by Phala's webhook: without it, remembering them is a wasted write per request.
            if (chat.phalaWebhookSecretId().isPresent()) {
                threads = new DynamoDbThreads(aws::dynamoDb, table, config.idempotencyTtl(), clock, afterPatch);
            }
        } else {
            Log.warn("IDEMPOTENCY_TABLE_NAME is not set: delivery is at-least-once, a duplicate may PATCH again");
        }
        UpdateQueue queue = chat.requestQueueUrl().<UpdateQueue>map(url -> new SqsUpdateQueue(aws::sqs, url, afterPatch))
                .orElse(null);
        Dispatcher dispatcher = dispatcher(config, new Parts(keys, phala, idempotency,
                new SnsOutcomes(aws::sns, config.outcomeTopicArn(), afterPatch),
                threads, new SlackReplies(http, chat.slackResponseUrlPrefix()),
                signingSecrets, queue,
                clock, d -> Thread.sleep(d), jitter, metrics));
        SnapStartHooks hooks = new SnapStartHooks(primingDispatcher(config, phala, clock, metrics), priming, keys, jitter);
        if (startUp) {
            aws.startUp("code", hooks::primeCode);
            aws.awaitStartUp(START_UP_BOUND);
        }
        return new Deployed(dispatcher, hooks);
    }

    /**
     * The same code path with stand-ins for everything outside: the real PATCH request is built but
     * not sent, and outcomes are rendered for SNS but not published. Run before a SnapStart snapshot.
     */
    static Dispatcher primingDispatcher(Config config, HttpPhalaApi phala, Clock clock) {
        return primingDispatcher(config, phala, clock, Metrics.none());
    }

    /** The same, rendering metrics too (priming mutes them with the log lines). */
    static Dispatcher primingDispatcher(Config config, HttpPhalaApi phala, Clock clock, Metrics metrics) {
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
        return dispatcher(config, new Parts(key, unsent, IdempotencyStore.none(), SnsOutcomes::render, Threads.none(),
                ChatReplies.none(), null, null, clock, d -> { }, new ReseedableRandom(), metrics));
    }

    /** The adapters around the core, and where metrics go: what the deployed relay and the tests each choose. */
    public record Parts(ApiKeys keys, PhalaApi phala, IdempotencyStore idempotency, Outcomes outcomes,
                        Threads threads, ChatReplies replies, SigningSecrets signingSecrets, UpdateQueue queue,
                        Clock clock, Relay.Sleeper sleeper, DoubleSupplier jitter, Metrics metrics) {

        /** With a fresh random source for the jitter. */
        public Parts(ApiKeys keys, PhalaApi phala, IdempotencyStore idempotency, Outcomes outcomes, Threads threads,
                     ChatReplies replies, SigningSecrets signingSecrets, UpdateQueue queue, Clock clock,
                     Relay.Sleeper sleeper) {
            this(keys, phala, idempotency, outcomes, threads, replies, signingSecrets, queue, clock, sleeper,
                    new ReseedableRandom(), Metrics.none());
        }

        /** The same parts, counted in {@code counted}. */
        public Parts withMetrics(Metrics counted) {
            return new Parts(keys, phala, idempotency, outcomes, threads, replies, signingSecrets, queue, clock, sleeper,
                    jitter, counted);
        }
    }

    /** The relay around any key source, Phala and outcome sink: what the tests vary. */
    public static Dispatcher dispatcher(Config config, ApiKeys keys, PhalaApi phala,
                                        Outcomes outcomes, Clock clock, Relay.Sleeper sleeper) {
        return dispatcher(config, keys, phala, IdempotencyStore.none(), outcomes, clock, sleeper);
    }

    /** The same, with an idempotency record. */
    public static Dispatcher dispatcher(Config config, ApiKeys keys, PhalaApi phala,
                                        IdempotencyStore idempotency, Outcomes outcomes, Clock clock,
                                        Relay.Sleeper sleeper) {
        return dispatcher(config, parts(keys, phala, idempotency, outcomes, clock, sleeper));
    }

    /** The parts of a relay without chat routes. */
    public static Parts parts(ApiKeys keys, PhalaApi phala, IdempotencyStore idempotency, Outcomes outcomes, Clock clock,
                              Relay.Sleeper sleeper) {
        return new Parts(keys, phala, idempotency, outcomes, Threads.none(), ChatReplies.none(), null, null, clock, sleeper);
    }

    public static Dispatcher dispatcher(Config config, Parts parts) {
        RetryPolicy retry = new RetryPolicy(config.maxAttempts(), config.retryBaseDelay(), config.retryMaxDelay(),
                parts.jitter());
        Relay relay = new Relay(parts.keys(), parts.phala(), retry,
                new Relay.Timing(config.attemptTimeout(), config.deadlineReserve(), Duration.ofMillis(100)),
                parts.clock(), parts.sleeper(), parts.metrics());
        Triggers triggers = new Triggers(relay, parts.idempotency(), parts.outcomes(), parts.threads(), parts.replies(),
                parts.clock(), parts.metrics());
        ApiGatewayTrigger api = new ApiGatewayTrigger(triggers);
        return new Dispatcher(api, new SqsTrigger(triggers, config.maxReceiveCount()), webhooks(config, parts, api, triggers));
    }

    private static WebhookRoutes webhooks(Config config, Parts parts, ApiGatewayTrigger api, Triggers triggers) {
        Config.ChatOps chat = config.chatOps();
        SigningSecrets secrets = parts.signingSecrets();
        if (secrets == null) {
            return WebhookRoutes.none();
        }
        SlackAllowlist allowlist;
        try {
            allowlist = SlackAllowlist.parse(chat.slackAllowlist());
        } catch (IllegalArgumentException e) {
            throw new Config.Invalid("SLACK_ALLOWLIST: " + e.getMessage());
        }
        Optional<SlackCommandTrigger> slack = chat.slackSigningSecretId().flatMap(id -> {
            if (parts.queue() == null) {
                Log.warn("SLACK_SIGNING_SECRET_ID is set but REQUEST_QUEUE_URL is not: the Slack route is off");
                return Optional.empty();
            }
            return Optional.of(new SlackCommandTrigger(secrets, id, allowlist, parts.queue(),
                    parts.idempotency(), parts.clock()));
        });
        Optional<HookTrigger> hook = chat.hookSecretId().map(id -> new HookTrigger(api, secrets, id, parts.clock()));
        Optional<PhalaEventsTrigger> phala = chat.phalaWebhookSecretId()
                .map(id -> new PhalaEventsTrigger(secrets, id, parts.idempotency(), triggers));
        return new WebhookRoutes(slack, hook, phala);
    }
}
