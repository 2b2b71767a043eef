package com.composerelay.core;

import com.composerelay.core.Outcome.Failure;
import com.composerelay.core.Outcome.Rejection;
import com.composerelay.core.Outcome.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whole update, from an app compose and secret names to a committed update: the env values
 * read (only under the guard's prefix) and sealed for the CVM, the provision, the commit, each with
 * the PATCH's rules ({@link Relay#call}); then, when asked, the first check of the watch queued. It
 * decides one outcome and never publishes: the trigger does, as for the PATCH form.
 */
public final class WholeUpdates {
    /** The settings of the watch. */
    public record Watching(boolean always, Duration timeout, Duration interval) {}

    private static final Pattern HASH = Pattern.compile("(0x)?[0-9a-fA-F]{1,128}");

    private final Relay relay;
    private final PhalaProvisioning phala;
    private final PhalaApi commit;
    private final EnvSecrets secrets;
    private final EnvSealer sealer;
    private final SecretGuard guard;
    private final WatchQueue watchQueue;
    private final Watching watching;
    private final Records registrations;
    private final Clock clock;

    public WholeUpdates(Relay relay, PhalaProvisioning phala, PhalaApi commit, EnvSecrets secrets, EnvSealer sealer,
                        SecretGuard guard, WatchQueue watchQueue, Watching watching, Records registrations, Clock clock) {
        this.relay = relay;
        this.phala = phala;
        this.commit = commit;
        this.secrets = secrets;
        this.sealer = sealer;
        this.guard = guard;
        this.watchQueue = watchQueue;
        this.watching = watching;
        this.registrations = registrations;
        this.clock = clock;
    }

    public Outcome run(WholeRequest request) {
        return new Run(request).run();
    }

    /** Whether this request's update is watched to the end. */
    public boolean watched(WholeUpdate update) {
        return update.watch() || watching.always();
    }

    /** One request's steps and what they found. */
    private final class Run {
        private final WholeRequest request;
        private final WholeUpdate update;
        private final List<Step> steps = new ArrayList<>();
        private final List<String> added = new ArrayList<>();
        private final List<String> allowed;
        private String composeHash;
        /** The hash the CVM ran before, when the env step read it. */
        private String hashBefore;
        private String appId;
        private int attempts;
        private Integer lastStatus;
        private String phalaRequestId;

        Run(WholeRequest request) {
            this.request = request;
            this.update = request.update();
            this.allowed = new ArrayList<>(update.appCompose().allowedEnvs());
            for (String name : update.env().keySet()) {
                if (!allowed.contains(name)) {
                    allowed.add(name);
                    added.add(name);
                }
            }
        }

        Outcome run() {
            String cvmId = update.cvmId();
            if (watched(update) && !watchQueue.configured()) {
                return new Outcome.Rejected(facts(), Rejection.INVALID_REQUEST, "wait: the relay has no request queue"
                        + " (REQUEST_QUEUE_URL) to watch the update with; leave wait out");
            }
            try {
                for (Map.Entry<String, EnvValue> entry : update.env().entrySet()) {
                    if (entry.getValue() instanceof EnvValue.FromSecret ref) {
                        guard.check(entry.getKey(), ref.secretId(), cvmId);
                    }
                }
            } catch (InvalidRequest problem) {
                return new Outcome.Rejected(facts(), Rejection.INVALID_REQUEST, problem.getMessage());
            }
            String encryptedEnv = null;
            if (!update.env().isEmpty()) {
                Instant began = clock.instant();
                List<EnvSealer.Variable> variables = new ArrayList<>();
                for (Map.Entry<String, EnvValue> entry : update.env().entrySet()) {
                    String value;
                    switch (entry.getValue()) {
                        case EnvValue.Literal literal -> value = literal.value();
                        case EnvValue.FromSecret ref -> {
                            try {
                                value = secrets.read(ref.secretId(), ref.jsonKey());
                            } catch (EnvSecrets.Missing e) {
                                return stop(new Outcome.Rejected(facts(), Rejection.ENV_SECRET_MISSING,
                                        "env." + entry.getKey() + ": " + e.getMessage()), "env", 0, null, "rejected", began);
                            } catch (EnvSecrets.Unavailable e) {
                                return stop(new Outcome.Failed(facts(), Failure.ENV_UNAVAILABLE,
                                        "env." + entry.getKey() + ": " + e.getMessage()), "env", 0, null, "failed", began);
                            }
                        }
                    }
                    variables.add(new EnvSealer.Variable(entry.getKey(), value));
                }
                if (utf8Length(variables) > WholeUpdate.MAX_ENV_BYTES) {
                    return stop(new Outcome.Rejected(facts(), Rejection.INVALID_REQUEST, "env: the values come to more than "
                            + WholeUpdate.MAX_ENV_BYTES + " bytes, more than Phala's encrypted_env holds"),
                            "env", 0, null, "rejected", began);
                }
                Relay.Call read = relay.call(request.deadline(), (key, timeout) -> phala.readCvm(cvmId, key, timeout));
                note(read);
                if (!read.succeeded()) {
                    return stop(read.outcome(facts()), "env", read, began);
                }
                hashBefore = read.answer().value(PhalaProvisioning.COMPOSE_HASH);
                if (read.answer().value(PhalaProvisioning.KMS_CHAIN_ID) != null) {
                    return stop(new Outcome.Rejected(facts(), Rejection.CVM_ENV_KEY_UNUSABLE, "the CVM uses an on-chain KMS"
                            + " (kms_info.chain_id " + read.answer().value(PhalaProvisioning.KMS_CHAIN_ID) + "): its env key"
                            + " comes from that KMS, which the relay does not read; send the update without env"),
                            "env", read, began);
                }
                String publicKey = read.answer().value(PhalaProvisioning.ENV_PUBKEY);
                if (publicKey == null) {
                    return stop(new Outcome.Rejected(facts(), Rejection.CVM_ENV_KEY_UNUSABLE, "the CVM's read (GET /api/v1/cvms/"
                            + cvmId + ") gives no encrypted_env_pubkey to seal the env for (an on-chain KMS CVM's key comes from"
                            + " its KMS, which the relay does not read)"), "env", read, began);
                }
                try {
                    encryptedEnv = sealer.seal(variables, publicKey);
                } catch (EnvSealer.BadPublicKey e) {
                    return stop(new Outcome.Rejected(facts(), Rejection.CVM_ENV_KEY_UNUSABLE,
                            "the CVM's encrypted_env_pubkey " + e.getMessage()), "env", read, began);
                }
                steps.add(new Step("env", read.attempts(), read.lastStatus(), "ok", Duration.between(began, clock.instant())));
            }

            Instant began = clock.instant();
            boolean withEnv = encryptedEnv != null;
            Relay.Call provision = relay.call(request.deadline(), (key, timeout) -> phala.provision(cvmId,
                    update.appCompose(), allowed, withEnv, key, timeout));
            note(provision);
            if (!provision.succeeded()) {
                return stop(provision.outcome(facts()), "provision", provision, began);
            }
            PhalaAnswer provisioned = provision.answer();
            appId = provisioned.value(PhalaProvisioning.APP_ID);
            String hash = provisioned.value(PhalaProvisioning.COMPOSE_HASH);
            if (hash == null || !HASH.matcher(hash).matches()) {
                return stop(new Outcome.Rejected(facts(), Rejection.PHALA_UNEXPECTED,
                        "Phala's provision answered " + provisioned.status() + " without a compose_hash in hex"),
                        "provision", provision, began);
            }
            composeHash = hash;
            if ("false".equals(provisioned.value(PhalaProvisioning.COMPOSE_HASH_REGISTERED))) {
                return stop(new Outcome.Rejected(facts(), Rejection.ONCHAIN_REGISTRATION_REQUIRED,
                        "the CVM uses an on-chain KMS and the new compose hash is not registered on chain: register "
                                + registration(provisioned) + " in the app's KMS contract, then send the request again"),
                        "provision", provision, began);
            }
            steps.add(new Step("provision", provision.attempts(), provision.lastStatus(), "ok",
                    Duration.between(began, clock.instant())));

            began = clock.instant();
            ComposeUpdate patch;
            try {
                patch = withEnv
                        ? ComposeUpdate.of(cvmId, hash, CallerValue.given(encryptedEnv),
                                CallerValue.given(List.copyOf(update.env().keySet())), CallerValue.given(true))
                        : ComposeUpdate.of(cvmId, hash, CallerValue.absent(), CallerValue.absent(), CallerValue.absent());
            } catch (InvalidRequest e) {
                return stop(new Outcome.Rejected(facts(), Rejection.INVALID_REQUEST, e.getMessage()), "commit", 0, null,
                        "rejected", began);
            }
            Relay.Call committed = relay.call(request.deadline(), (key, timeout) -> commit.patchComposeFile(patch, key, timeout));
            note(committed);
            if (!committed.succeeded()) {
                Outcome outcome = committed.outcome(facts());
                Integer status = committed.lastStatus();
                if (committed.rejection() == Rejection.PHALA_REFUSED && status != null && status >= 465 && status <= 468) {
                    outcome = new Outcome.Rejected(facts(), Rejection.ONCHAIN_REGISTRATION_REQUIRED,
                            onChain(status, committed.last()));
                }
                return stop(outcome, "commit", committed, began);
            }
            steps.add(new Step("commit", committed.attempts(), committed.lastStatus(), "ok",
                    Duration.between(began, clock.instant())));
            Outcome.Facts facts = facts();
            if (watched(update)) {
                facts = facts.withWhole(facts.whole().withWatch(startWatch(facts)));
            }
            return new Outcome.Accepted(facts);
        }

        /**
         * Registers the watch (its nonce, so that only checks the relay queued are obeyed) and queues its
         * first check, trying twice; says how that went, for the outcome.
         */
        private String startWatch(Outcome.Facts facts) {
            Instant now = clock.instant();
            byte[] nonce = new byte[16];
            new java.security.SecureRandom().nextBytes(nonce);
            boolean needsProgress = hashBefore != null && Watcher.sameHash(hashBefore, facts.composeHash());
            WatchCheck first = new WatchCheck(facts.cvmId(), facts.composeHash(), facts.correlationId(),
                    facts.requestId(), facts.trigger(), 1, now, now.plus(watching.timeout()), facts.actor(),
                    java.util.HexFormat.of().formatHex(nonce), needsProgress, false);
            try {
                registrations.put(first.registrationKey(), first.credential());
            } catch (StoreUnavailable e) {
                return "not scheduled: the watch could not be registered (" + e.getMessage() + ")";
            }
            String problem = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    watchQueue.schedule(first, watching.interval());
                    return "scheduled";
                } catch (WatchQueue.Unavailable e) {
                    problem = e.getMessage();
                }
            }
            return "not scheduled: " + problem;
        }

        private void note(Relay.Call call) {
            attempts += call.attempts();
            if (call.lastStatus() != null) {
                lastStatus = call.lastStatus();
            }
            if (call.phalaRequestId() != null) {
                phalaRequestId = call.phalaRequestId();
            }
        }

        private Outcome stop(Outcome outcome, String step, Relay.Call call, Instant began) {
            return stop(outcome, step, call.attempts(), call.lastStatus(), outcome.status(), began);
        }

        private Outcome stop(Outcome outcome, String step, int stepAttempts, Integer status, String result, Instant began) {
            steps.add(new Step(step, stepAttempts, status, result, Duration.between(began, clock.instant())));
            Outcome.Facts facts = facts();
            return switch (outcome) {
                case Outcome.Rejected r -> new Outcome.Rejected(facts, r.reason(), r.error());
                case Outcome.Failed f -> new Outcome.Failed(facts, f.reason(), f.error());
                default -> outcome;
            };
        }

        private Outcome.Facts facts() {
            return new Outcome.Facts(request.requestId(), request.correlationId(), request.trigger(), update.cvmId(),
                    composeHash, attempts, lastStatus, phalaRequestId, request.startedAt(), clock.instant(),
                    new Outcome.WholeDetails(appId, List.copyOf(update.env().keySet()), added, steps, null), request.actor());
        }

        /** What an on-chain registration needs, from the provision's answer. */
        private String registration(PhalaAnswer provisioned) {
            StringBuilder text = new StringBuilder("compose hash ").append(provisioned.value(PhalaProvisioning.COMPOSE_HASH));
            appendIf(text, "app id", provisioned.value(PhalaProvisioning.APP_ID));
            appendIf(text, "device id", provisioned.value(PhalaProvisioning.DEVICE_ID));
            appendIf(text, "kms_info", provisioned.value(PhalaProvisioning.KMS_INFO));
            return text.toString();
        }

        /** The commit's 465-468 in words, with the details Phala gave. */
        private String onChain(int status, PhalaAnswer refused) {
            String what = switch (status) {
                case 465 -> "the compose hash must be registered on chain before the update: register compose hash "
                        + composeHash + (appId == null ? "" : " for app " + appId) + " in the app's KMS contract, then send"
                        + " the request again";
                case 466 -> "the compose hash's on-chain registration has expired: register compose hash " + composeHash
                        + " again, then send the request again";
                case 467 -> "the on-chain registration transaction could not be verified: check the transaction that"
                        + " registered compose hash " + composeHash;
                default -> "compose hash " + composeHash + " was not found on chain: register it in the app's KMS"
                        + " contract, then send the request again";
            };
            StringBuilder text = new StringBuilder("Phala answered ").append(status).append(": ").append(what);
            if (refused != null) {
                List<String> details = new ArrayList<>();
                refused.values().entrySet().stream()
                        .filter(e -> e.getKey().startsWith(PhalaProvisioning.DETAIL_PREFIX))
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(e -> details.add(e.getKey().substring(PhalaProvisioning.DETAIL_PREFIX.length())
                                + " " + e.getValue()));
                if (!details.isEmpty()) {
                    text.append(" (Phala's details: ").append(String.join(", ", details)).append(')');
                } else if (refused.detail() != null) {
                    text.append(" (Phala: ").append(refused.detail()).append(')');
                }
            }
            return text.toString();
        }
    }

    private static void appendIf(StringBuilder text, String name, String value) {
        if (value != null) {
            text.append(", ").append(name).append(' ').append(value);
        }
    }

    /** About the size of the sealed plaintext: each key and value in UTF-8, and the JSON around them. */
    private static int utf8Length(List<EnvSealer.Variable> variables) {
        int total = 16;
        for (EnvSealer.Variable v : variables) {
            total += v.key().length() + v.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 24;
        }
        return total;
    }
}
