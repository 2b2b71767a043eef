package com.composerelay.config;

import com.composerelay.log.Log;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The relay's whole configuration, read from the environment in this one place.
 *
 * @param apiKeySecretId {@code PHALA_API_KEY_SECRET_ID}: the secret that holds the Phala API key
 * @param outcomeTopicArn {@code OUTCOME_TOPIC_ARN}: where outcomes are published
 * @param phalaBaseUrl {@code PHALA_API_BASE_URL}
 * @param phalaApiVersion {@code PHALA_API_VERSION}: sent as {@code X-Phala-Version}
 * @param maxReceiveCount {@code MAX_RECEIVE_COUNT}: the queue's redrive setting; that delivery is the last
 * @param maxAttempts {@code PHALA_MAX_ATTEMPTS}: attempts per request, the first included
 * @param retryBaseDelay {@code PHALA_RETRY_BASE_DELAY_MS}
 * @param retryMaxDelay {@code PHALA_RETRY_MAX_DELAY_MS}
 * @param attemptTimeout {@code PHALA_TIMEOUT_MS}: the longest one PATCH may take
 * @param connectTimeout {@code PHALA_CONNECT_TIMEOUT_MS}
 * @param deadlineReserve {@code DEADLINE_RESERVE_MS}: kept back before the Lambda deadline to publish and answer
 * @param apiKeyCacheTtl {@code API_KEY_CACHE_TTL_SECONDS}
 * @param awsRegion {@code AWS_REGION} (set by Lambda)
 * @param awsEndpointUrl {@code AWS_ENDPOINT_URL}: the SDK's standard override, e.g. LocalStack
 * @param idempotencyTable {@code IDEMPOTENCY_TABLE_NAME}: the DynamoDB table of idempotency records;
 *     without it the relay is at-least-once
 * @param idempotencyTtl {@code IDEMPOTENCY_TTL_SECONDS}: how long a decided request is remembered
 * @param requestQueueUrl {@code REQUEST_QUEUE_URL}: the request queue, where the Slack route hands its updates
 *     (the slash command route is off without it)
 * @param chatOps the signed webhook routes (Slack, CI, Phala events); each is off until its secret is set
 * @param logLevel {@code AWS_LAMBDA_LOG_LEVEL} (set by Lambda from the function's {@code ApplicationLogLevel}):
 *     lines below it are dropped
 * @param metricsNamespace {@code METRICS_NAMESPACE}: the CloudWatch namespace of the relay's metrics
 * @param updates the whole update's settings
 * @param clientApi the Phala-compatible API's settings
 */
public record Config(
        String apiKeySecretId,
        String outcomeTopicArn,
        URI phalaBaseUrl,
        String phalaApiVersion,
        int maxReceiveCount,
        int maxAttempts,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        Duration attemptTimeout,
        Duration connectTimeout,
        Duration deadlineReserve,
        Duration apiKeyCacheTtl,
        String awsRegion,
        Optional<URI> awsEndpointUrl,
        Optional<String> idempotencyTable,
        Duration idempotencyTtl,
        Optional<String> requestQueueUrl,
        ChatOps chatOps,
        Log.Level logLevel,
        String metricsNamespace,
        Updates updates,
        ClientApi clientApi,
        Rollouts rollouts) {

    /**
     * The rollouts' settings.
     *
     * @param stateMachineArn {@code ROLLOUT_STATE_MACHINE_ARN}: the rollout state machine; unset, rollouts are off
     * @param taskQueueArn {@code ROLLOUT_TASK_QUEUE_ARN}: only this queue's messages are read as the machine's tasks
     * @param releaseChannelsParameter {@code RELEASE_CHANNELS_PARAMETER}: the SSM parameter (name, or ARN) that
     *     lists the release channels; unset, there are no channels
     */
    public record Rollouts(Optional<String> stateMachineArn, Optional<String> taskQueueArn,
                           Optional<String> releaseChannelsParameter) {}

    /**
     * The whole update's settings.
     *
     * @param envSecretPrefix {@code ENV_SECRET_PREFIX}: env values come only from secrets whose name starts so
     * @param envSecretsPerCvm {@code ENV_SECRETS_PER_CVM}: a CVM's env secrets only under {@code <prefix><cvm_id>/}
     * @param watchAlways {@code WATCH_UPDATES}: watch every whole update to the end, {@code wait} or not
     * @param watchTimeout {@code WATCH_TIMEOUT_SECONDS}: a watched update that does not run by then has failed
     * @param watchInterval {@code WATCH_INTERVAL_SECONDS}: the time between two checks of a watched update
     */
    public record Updates(String envSecretPrefix, boolean envSecretsPerCvm, boolean watchAlways, Duration watchTimeout,
                          Duration watchInterval) {}

    /**
     * The Phala-compatible API's settings ({@code /api/v1/…}, what Phala's own CLI and SDKs call).
     *
     * @param relayTokensSecretId {@code RELAY_TOKENS_SECRET_ID}: the relay tokens; unset, that API is off
     */
    public record ClientApi(Optional<String> relayTokensSecretId) {}

    /** Slash commands are taken: a signing secret, and a queue to hand their updates to. */
    public boolean slackRoute() {
        return chatOps.slackSigningSecretId().isPresent() && requestQueueUrl.isPresent();
    }

    /** Every secret id the relay is configured with: none of them is ever read for an env value. */
    public List<String> ownSecretIds() {
        List<String> ids = new ArrayList<>();
        ids.add(apiKeySecretId);
        chatOps.slackSigningSecretId().ifPresent(ids::add);
        chatOps.hookSecretId().ifPresent(ids::add);
        chatOps.phalaWebhookSecretId().ifPresent(ids::add);
        clientApi.relayTokensSecretId().ifPresent(ids::add);
        return ids;
    }

    /**
     * The webhook routes' settings.
     *
     * @param slackSigningSecretId {@code SLACK_SIGNING_SECRET_ID}: Slack's signing secret (or {"current","previous"})
     * @param slackAllowlist {@code SLACK_ALLOWLIST}: who may update which CVMs, see {@code SlackAllowlist}
     * @param slackResponseUrlPrefix {@code SLACK_RESPONSE_URL_PREFIX}: replies go only to URLs under it
     * @param hookSecretId {@code HOOK_SECRET_ID}: the shared secret of the CI webhook
     * @param phalaWebhookSecretId {@code PHALA_WEBHOOK_SECRET_ID}: Phala's webhook secret ({@code whsec_…})
     */
    public record ChatOps(
            Optional<String> slackSigningSecretId,
            String slackAllowlist,
            String slackResponseUrlPrefix,
            Optional<String> hookSecretId,
            Optional<String> phalaWebhookSecretId) {}

    /** How old a signed request (Slack, CI hook, Phala event) may be; the idempotency window covers it. */
    public static final int SIGNED_REQUEST_WINDOW_SECONDS = 300;
    public static final String DEFAULT_PHALA_BASE_URL = "https://cloud-api.phala.com";
    public static final String DEFAULT_PHALA_API_VERSION = "2026-06-23";
    public static final String DEFAULT_METRICS_NAMESPACE = "ComposeRelay";
    public static final String DEFAULT_ENV_SECRET_PREFIX = "compose-relay/env/";

    /** Reads the configuration; a missing or malformed value fails with a message naming the variable. */
    public static Config from(Map<String, String> env) {
        ConfigReader r = new ConfigReader(env);
        return new Config(
                r.required("PHALA_API_KEY_SECRET_ID"),
                r.required("OUTCOME_TOPIC_ARN"),
                r.uri("PHALA_API_BASE_URL", DEFAULT_PHALA_BASE_URL),
                r.text("PHALA_API_VERSION", DEFAULT_PHALA_API_VERSION),
                r.positiveInt("MAX_RECEIVE_COUNT", 5),
                r.positiveInt("PHALA_MAX_ATTEMPTS", 4),
                Duration.ofMillis(r.positiveInt("PHALA_RETRY_BASE_DELAY_MS", 1000)),
                Duration.ofMillis(r.positiveInt("PHALA_RETRY_MAX_DELAY_MS", 20000)),
                Duration.ofMillis(r.positiveInt("PHALA_TIMEOUT_MS", 10000)),
                Duration.ofMillis(r.positiveInt("PHALA_CONNECT_TIMEOUT_MS", 3000)),
                Duration.ofMillis(r.positiveInt("DEADLINE_RESERVE_MS", 1500)),
                Duration.ofSeconds(r.positiveInt("API_KEY_CACHE_TTL_SECONDS", 300)),
                r.text("AWS_REGION", r.text("AWS_DEFAULT_REGION", "us-east-1")),
                Optional.ofNullable(r.optional("AWS_ENDPOINT_URL")).map(v -> r.toUri("AWS_ENDPOINT_URL", v)),
                Optional.ofNullable(r.optional("IDEMPOTENCY_TABLE_NAME")),
                // A signed request may be replayed while its timestamp is fresh, from 300 s before its first
                // use (dated 300 s ahead) to 300 s after its time: the record must outlive those 600 s.
                Duration.ofSeconds(r.atLeast("IDEMPOTENCY_TTL_SECONDS", 3600, 2 * SIGNED_REQUEST_WINDOW_SECONDS,
                        "a signed request stays fresh for 600 s: its timestamp may be 300 s ahead or behind")),
                Optional.ofNullable(r.optional("REQUEST_QUEUE_URL")),
                new ChatOps(
                        Optional.ofNullable(r.optional("SLACK_SIGNING_SECRET_ID")),
                        r.text("SLACK_ALLOWLIST", ""),
                        r.text("SLACK_RESPONSE_URL_PREFIX", "https://hooks.slack.com/"),
                        Optional.ofNullable(r.optional("HOOK_SECRET_ID")),
                        Optional.ofNullable(r.optional("PHALA_WEBHOOK_SECRET_ID"))),
                r.logLevel("AWS_LAMBDA_LOG_LEVEL"),
                r.metricsNamespace("METRICS_NAMESPACE"),
                new Updates(
                        r.secretPrefix("ENV_SECRET_PREFIX", DEFAULT_ENV_SECRET_PREFIX),
                        r.bool("ENV_SECRETS_PER_CVM", false),
                        r.bool("WATCH_UPDATES", false),
                        Duration.ofSeconds(r.watchTimeout()),
                        Duration.ofSeconds(r.between("WATCH_INTERVAL_SECONDS", 15, 1, 300,
                                "a rollout checks at least every 300 s"))),
                new ClientApi(Optional.ofNullable(r.optional("RELAY_TOKENS_SECRET_ID"))),
                new Rollouts(Optional.ofNullable(r.optional("ROLLOUT_STATE_MACHINE_ARN")),
                        Optional.ofNullable(r.optional("ROLLOUT_TASK_QUEUE_ARN")),
                        Optional.ofNullable(r.ssmParameterName("RELEASE_CHANNELS_PARAMETER"))));
    }

    /** Thrown at start-up for a configuration the relay cannot run with. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super("configuration: " + message);
        }
    }
}
