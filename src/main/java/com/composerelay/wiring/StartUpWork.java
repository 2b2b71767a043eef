package com.composerelay.wiring;

import com.composerelay.config.Config;
import com.composerelay.startup.SnapStartHooks;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Work done at start-up on threads of its own, on Lambda's full vCPU of initialisation, so the first
 * request finds it done: the first thread makes the TLS context and reads the secrets (the network
 * part), the second builds and primes the clients of the calls that follow, the third (once the
 * relay is wired) runs the relay's own code on sample events. Each overlaps the others' waits; more
 * threads measured no better (docs/PERFORMANCE-LOG.md, #16). Skipped when a SnapStart snapshot is
 * coming: the hooks prime before it instead.
 */
final class StartUpWork {
    /** The longest initialisation waits for its start-up work (Lambda allows 10 s). */
    static final Duration BOUND = Duration.ofSeconds(2);

    private final DeployedAdapters deployed;

    private StartUpWork(DeployedAdapters deployed) {
        this.deployed = deployed;
    }

    /** Starts the network and client work; {@link #finish} adds the code path and waits. */
    static StartUpWork begin(Config config, DeployedAdapters deployed) {
        Config.ChatOps chat = config.chatOps();
        var aws = deployed.aws();
        aws.startUp("http+secrets-manager", () -> {
            deployed.http().get();
            aws.secretsManager();
            deployed.keys().prefetch();
            // The signed routes' secrets too: Slack's first slash command must be answered in 3 s.
            Stream.of(chat.slackSigningSecretId(), chat.hookSecretId(), chat.phalaWebhookSecretId())
                    .flatMap(Optional::stream).forEach(deployed.signingSecrets()::prefetch);
        });
        aws.startUp("dynamodb+sns", () -> {
            if (config.idempotencyTable().isPresent()) {
                aws.dynamoDb();
                deployed.priming().dynamoDb();
            }
            aws.sns();
            deployed.priming().sns();
            if (config.slackRoute()) {
                aws.sqs();
            }
            // Rollout tasks: the Step Functions client, and a task's table read, write and answer (the
            // task's own code path is primed only before a snapshot: here it cost the PATCH form more
            // than it saved the first task, docs/PERFORMANCE-LOG.md 2026-12-07).
            if (Assembly.rolloutsOn(config)) {
                aws.sfn();
                deployed.priming().rollouts();
            }
        });
        return new StartUpWork(deployed);
    }

    /** Runs the relay's code path on sample events beside the rest, then waits at most {@link #BOUND}. */
    void finish(SnapStartHooks hooks) {
        deployed.aws().startUp("code", hooks::primeCode);
        deployed.aws().awaitStartUp(BOUND);
    }
}
