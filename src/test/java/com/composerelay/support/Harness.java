package com.composerelay.support;

import com.composerelay.RelayHandler;
import com.composerelay.config.Config;
import com.composerelay.aws.SecretsManagerEnvSecrets;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.EnvSecrets;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.RelayToken;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.RolloutReports;
import com.composerelay.crypto.X25519EnvSealer;
import com.composerelay.core.RelayTable;
import com.composerelay.codec.OutcomeText;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.Relay;
import com.composerelay.core.SigningSecrets;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.UpdateThread;
import com.composerelay.core.UpdateThreads;
import com.composerelay.json.Json;
import com.composerelay.startup.ReseedableRandom;
import com.composerelay.webhook.HubSignature;
import com.composerelay.wiring.Adapters;
import com.composerelay.wiring.Assembly;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole handler over in-memory fakes, the one way tests assemble it: scripted Phala (or any
 * {@link PhalaApi}), fake keys, recorded outcomes and metrics, an idempotency record, signing
 * secrets, a request queue, threads and chat replies; and a clock that backoff "sleeps" advance, so
 * retry tests take no real time. Which routes are on follows the configuration, as in the deployed
 * relay: {@link #chatOps()} turns the signed routes on.
 */
public final class Harness {
    public static final String SLACK_SECRET = "slack-signing-secret-sample-0001";
    public static final String HOOK_SECRET = "hook-secret-sample-0001";
    public static final String PHALA_SECRET = "whsec_sample_0001";
    public static final String DEFAULT_ALLOWLIST = "T0001/C0001/*=cvm_*;T0001/*/U0BOSS=*";

    /** A queued update with its message attributes. */
    public record Queued(ComposeUpdate update, Map<String, String> attributes) {}

    /** A reply posted to a chat. */
    public record Reply(String url, String text) {}

    public final MutableClock clock;
    public final ScriptedPhala phala;
    public final RecordingOutcomes outcomes;
    public final RecordingMetrics metrics = new RecordingMetrics();
    public final InMemoryIdempotency idempotency;
    public final FakeKeys keys;
    public final List<Queued> queued = new ArrayList<>();
    /** A release from chat handed to the queue: the channel, the tag (null for a rollback), the attributes. */
    public record QueuedRelease(String channel, String tag, Map<String, String> attributes) {}

    public final List<QueuedRelease> releasesQueued = new ArrayList<>();
    public final List<Reply> replies = new ArrayList<>();
    public final Map<String, UpdateThread> threads = new HashMap<>();
    public final Map<String, List<String>> secrets = new HashMap<>(Map.of(
            "slack-secret", List.of(SLACK_SECRET, "slack-previous-secret"),
            "hook-secret", List.of(HOOK_SECRET),
            "phala-secret", List.of(PHALA_SECRET)));
    /** The secrets env values come from, by id (their string); a missing id is not found. */
    public final Map<String, String> envSecrets = new HashMap<>();
    /** Every env secret read, by id. */
    public final List<String> envSecretReads = new ArrayList<>();
    /** When set, Secrets Manager is throttling every env read. */
    public boolean envSecretsDown;
    public final FakeProvisioning provisioning = new FakeProvisioning();
    /** The rollout task queue the harness's rollout ports read tasks from. */
    public static final String TASK_QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:compose-relay-RolloutTaskQueue";
    /** Rollouts (and watched whole updates) kept, the state machine's calls, the rollout reports published. */
    public final InMemoryRollouts rollouts = new InMemoryRollouts();
    public final RecordingEngine engine = new RecordingEngine();
    public final List<RolloutReports.Report> rolloutReports = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Phala's status batch as the fleet answers it, by vm_uuid: status, in_progress, boot_error (any
     * left out is absent); every fleet call is recorded in {@link #fleetCalls}.
     */
    public final Map<String, Map<String, String>> fleetStatus = new java.util.concurrent.ConcurrentHashMap<>();
    public final List<String> fleetCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The app compose {@code GET /cvms/{id}/compose_file} answers, by CVM id (JSON); a CVM left out is a 404. */
    public final Map<String, String> fleetCompose = new java.util.concurrent.ConcurrentHashMap<>();
    /** The relay tokens the tokens' store holds (see {@link #tokenFor}). */
    public final List<RelayToken> relayTokens = new ArrayList<>();
    /** How many times the tokens' store was read. */
    public int relayTokenReads;
    public final RelayHandler handler;
    /** When set, the request queue refuses every update. */
    public boolean queueDown;

    /** The relay's PATCH route and queue, no signed routes. */
    public Harness() {
        this(builder());
    }

    private Harness(Builder b) {
        this.clock = b.clock;
        this.phala = new ScriptedPhala(clock);
        this.outcomes = b.outcomes;
        this.idempotency = new InMemoryIdempotency(clock, Duration.ofHours(1));
        this.keys = b.keys;
        Clock time = b.realTime ? Clock.systemUTC() : clock;
        Relay.Sleeper sleeper = b.realTime ? d -> Thread.sleep(d.toMillis()) : clock::advance;
        Adapters adapters = new Adapters(keys, b.phala == null ? phala : b.phala,
                b.idempotency == null ? idempotency : b.idempotency, outcomes,
                threadStore(), (url, outcome) -> replies.add(new Reply(url, OutcomeText.chatLine(outcome))), signingSecrets(), queue(),
                time, sleeper, new ReseedableRandom(), metrics,
                new Adapters.Whole(provisioning, envSecretStore(), new X25519EnvSealer()),
                new Adapters.ClientApi(b.passThrough == null ? Adapters.ClientApi.none().phala() : b.passThrough, () -> {
                    relayTokenReads++;
                    return List.copyOf(relayTokens);
                }),
                b.noRollouts ? Adapters.RolloutPorts.none()
                        : new Adapters.RolloutPorts(rollouts, engine, rolloutReports::add, fleet(), TASK_QUEUE_ARN));
        this.handler = new RelayHandler(Assembly.dispatcher(b.config, adapters), time);
    }

    /** The handler with the signed routes on (Slack, CI hook, Phala events) and the sample allowlist. */
    public static Harness chatOps() {
        return chatOps(DEFAULT_ALLOWLIST);
    }

    /** The same, with this Slack allowlist. */
    public static Harness chatOps(String allowlist) {
        return builder().config(chatOpsConfig(allowlist)).build();
    }

    /** The configuration of {@link #chatOps(String)}; {@code more} are further environment entries. */
    public static Config chatOpsConfig(String allowlist, String... more) {
        List<String> env = new ArrayList<>(List.of("SLACK_SIGNING_SECRET_ID", "slack-secret", "SLACK_ALLOWLIST", allowlist,
                "REQUEST_QUEUE_URL", "http://queue.local/requests", "HOOK_SECRET_ID", "hook-secret",
                "PHALA_WEBHOOK_SECRET_ID", "phala-secret"));
        env.addAll(List.of(more));
        return Fixtures.config(env.toArray(String[]::new));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What a test may choose; everything else is the harness's fakes. */
    public static final class Builder {
        private Config config = Fixtures.config();
        private FakeKeys keys = new FakeKeys(Fixtures.API_KEY);
        private MutableClock clock = new MutableClock();
        private PhalaApi phala;
        private RecordingOutcomes outcomes = new RecordingOutcomes();
        private RelayTable idempotency;
        private boolean realTime;
        private PhalaPassThrough passThrough;
        private boolean noRollouts;

        /** No rollout state machine: rollouts and watched updates are off. */
        public Builder noRollouts() {
            this.noRollouts = true;
            return this;
        }

        /** Phala's API as the Phala-compatible routes pass it through (e.g. the relay's HttpPhalaApi over WireMock). */
        public Builder passThrough(PhalaPassThrough passThrough) {
            this.passThrough = passThrough;
            return this;
        }

        private Builder() {}

        /** Outcomes recorded where the test already looks. */
        public Builder outcomes(RecordingOutcomes outcomes) {
            this.outcomes = outcomes;
            return this;
        }

        /** Another idempotency record than {@link Harness#idempotency} (e.g. {@link RelayTable#none()}). */
        public Builder idempotency(RelayTable idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        /** The system clock and real sleeps, for tests of real concurrency and real servers. */
        public Builder realTime() {
            this.realTime = true;
            return this;
        }

        public Builder config(Config config) {
            this.config = config;
            return this;
        }

        public Builder keys(FakeKeys keys) {
            this.keys = keys;
            return this;
        }

        /** The clock the harness and {@code phala} share. */
        public Builder clock(MutableClock clock) {
            this.clock = clock;
            return this;
        }

        /** Another Phala than the scripted one (then {@link Harness#phala} is not called). */
        public Builder phala(PhalaApi phala) {
            this.phala = phala;
            return this;
        }

        public Harness build() {
            return new Harness(this);
        }
    }

    public JsonNode invoke(String eventJson) {
        return invoke(eventJson, new FakeContext());
    }

    public JsonNode invoke(String eventJson, FakeContext context) {
        return Invoke.json(handler, eventJson, context);
    }

    /** The body of an API Gateway response, parsed. */
    public static JsonNode body(JsonNode response) {
        try {
            return TestJson.parse(response.get("body").textValue());
        } catch (Json.Malformed e) {
            throw new AssertionError("response body is not JSON: " + e.getMessage());
        }
    }

    private SigningSecrets signingSecrets() {
        return new SigningSecrets() {
            @Override
            public List<String> current(String id) throws Unavailable {
                List<String> values = secrets.get(id);
                if (values == null) {
                    throw new Unavailable("signing secret " + id + " was not found");
                }
                return values;
            }

            @Override
            public List<String> refreshed(String id) throws Unavailable {
                return current(id);
            }
        };
    }

    private UpdateQueue queue() {
        return new UpdateQueue() {
            @Override
            public void enqueue(ComposeUpdate update, Map<String, String> attributes) throws Unavailable {
                if (queueDown) {
                    throw new UpdateQueue.Unavailable("the request queue did not take the update (SqsException)");
                }
                queued.add(new Queued(update, Map.copyOf(attributes)));
            }

            @Override
            public void enqueueRelease(String channel, String tag, Map<String, String> attributes) throws Unavailable {
                if (queueDown) {
                    throw new UpdateQueue.Unavailable("the request queue did not take the release (SqsException)");
                }
                releasesQueued.add(new QueuedRelease(channel, tag, Map.copyOf(attributes)));
            }
        };
    }

    private EnvSecrets envSecretStore() {
        return (secretId, jsonKey) -> {
            envSecretReads.add(secretId);
            if (envSecretsDown) {
                throw new EnvSecrets.Unavailable("Secrets Manager could not read secret " + secretId
                        + " now (ThrottlingException)");
            }
            String value = envSecrets.get(secretId);
            if (value == null) {
                throw new EnvSecrets.Missing("secret " + secretId + " was not found");
            }
            return SecretsManagerEnvSecrets.valueOf(value, secretId, jsonKey);
        };
    }

    /** Phala's fleet calls: the status batch from {@link #fleetStatus}; the rest are not scripted here. */
    private PhalaFleet fleet() {
        return new PhalaFleet() {
            @Override
            public PhalaAnswer appCvms(String appId, String apiKey, Duration timeout) throws PhalaApi.Unreachable {
                fleetCalls.add("appCvms " + appId);
                throw new PhalaApi.Unreachable("the harness scripts no app listing");
            }

            @Override
            public PhalaAnswer revisions(String appId, int page, int pageSize, String apiKey, Duration timeout)
                    throws PhalaApi.Unreachable {
                fleetCalls.add("revisions " + appId + " " + page);
                throw new PhalaApi.Unreachable("the harness scripts no revisions");
            }

            @Override
            public PhalaAnswer redeploy(String cvmId, String revisionId, String apiKey, Duration timeout)
                    throws PhalaApi.Unreachable {
                fleetCalls.add("redeploy " + cvmId + " " + revisionId);
                throw new PhalaApi.Unreachable("the harness scripts no redeploy");
            }

            @Override
            public PhalaAnswer revision(String appId, String revisionId, String apiKey, Duration timeout) {
                fleetCalls.add("revision " + appId + " " + revisionId);
                String json = fleetCompose.get(revisionId);
                return json == null ? new PhalaAnswer(404, "Revision not found", null, java.util.Optional.empty(), null)
                        : new PhalaAnswer(200, null, null, java.util.Optional.empty(), null,
                                Map.of(PhalaFleet.APP_COMPOSE, json));
            }

            @Override
            public PhalaAnswer composeFile(String cvmId, String apiKey, Duration timeout) {
                fleetCalls.add("composeFile " + cvmId);
                String json = fleetCompose.get(cvmId);
                return json == null ? new PhalaAnswer(404, "CVM not found", null, java.util.Optional.empty(), null)
                        : new PhalaAnswer(200, null, null, java.util.Optional.empty(), null,
                                Map.of(PhalaFleet.APP_COMPOSE, json));
            }

            @Override
            public PhalaAnswer statusBatch(List<String> vmUuids, String apiKey, Duration timeout) {
                fleetCalls.add("statusBatch " + String.join(",", vmUuids));
                Map<String, String> values = new HashMap<>();
                for (String vm : vmUuids) {
                    fleetStatus.getOrDefault(vm, Map.of()).forEach((k, v) -> values.put(PhalaFleet.key(vm, k), v));
                }
                return new PhalaAnswer(200, null, null, java.util.Optional.empty(), null, values);
            }
        };
    }

    private UpdateThreads threadStore() {
        return new UpdateThreads() {
            @Override
            public void remember(UpdateThread thread) {
                threads.put(thread.cvmId(), thread);
            }

            @Override
            public Optional<UpdateThread> find(String cvmId) {
                return Optional.ofNullable(threads.get(cvmId));
            }
        };
    }

    /** Lists a relay token named {@code name} for these CVMs in the tokens' store; returns the token. */
    public String tokenFor(String name, String... cvms) {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String token = "crt_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        relayTokens.add(new RelayToken(name, com.composerelay.core.Fingerprint.sha256Hex(token.getBytes(StandardCharsets.UTF_8)), List.of(cvms)));
        return token;
    }

    /** Lists a relay token with {@code expires_at} (null: never) and {@code scopes}; returns the token. */
    public String tokenFor(String name, java.time.Instant expiresAt, java.util.Set<com.composerelay.core.TokenScope> scopes,
                           String... cvms) {
        String token = tokenFor(name, cvms);
        RelayToken listed = relayTokens.removeLast();
        relayTokens.add(new RelayToken(name, listed.sha256(), listed.cvms(), expiresAt, scopes));
        return token;
    }

    /** An HTTP API event for {@code POST path} with these headers and raw body, built with AWS's event model. */
    public static String post(String path, Map<String, String> headers, String body, boolean base64) {
        return Events.json(Events.httpApiRequest("POST", "POST " + path, path, null, headers, body, base64));
    }

    public long now() {
        return clock.instant().getEpochSecond();
    }

    /** A valid CI-hook body for {@code cvmId}, sent at {@code unixSeconds} (its signed {@code timestamp}). */
    public static String hookBody(String cvmId, long unixSeconds) {
        return "{\"cvm_id\":\"" + cvmId + "\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":" + unixSeconds + "}";
    }

    /** A valid CI-hook body for {@code cvmId}, sent now by this harness's clock. */
    public String hookBody(String cvmId) {
        return hookBody(cvmId, now());
    }

    /** {@code POST /hooks/compose-update} with this raw body, signed with the hook secret, plus these headers. */
    public static String signedHook(String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("X-Hub-Signature-256", HubSignature.sign(HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8)));
        return post("/hooks/compose-update", all, body, false);
    }
}
