package com.composerelay.core;

import com.composerelay.core.Outcome.Failure;
import com.composerelay.core.Outcome.Rejection;
import com.composerelay.core.WholeProgress.Stop;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The whole update's env step: each value read, the CVM read for its env key, and the values sealed for that key. */
final class EnvStep {
    /** The env sealed for the CVM, and the compose hash the CVM ran before. */
    record Sealed(String encryptedEnv, String hashBefore) {}

    private final Relay relay;
    private final PhalaProvisioning phala;
    private final EnvSecrets secrets;
    private final EnvSealer sealer;
    private final Clock clock;

    EnvStep(Relay relay, PhalaProvisioning phala, EnvSecrets secrets, EnvSealer sealer, Clock clock) {
        this.relay = relay;
        this.phala = phala;
        this.secrets = secrets;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** Seals the request's env for its CVM and records the step, or records why not and stops the run. */
    Sealed seal(WholeRequest request, WholeProgress progress) throws Stop {
        String cvmId = request.update().cvmId();
        Instant began = clock.instant();
        List<EnvSealer.Variable> variables = values(request.update(), progress, began);
        if (utf8Length(variables) > WholeUpdate.MAX_ENV_BYTES) {
            throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.INVALID_REQUEST, "env: the values come"
                    + " to more than " + WholeUpdate.MAX_ENV_BYTES + " bytes, more than Phala's encrypted_env holds"),
                    "env", 0, null, "rejected", began);
        }
        Relay.Call read = relay.call(request.deadline(), (key, timeout) -> phala.readCvm(cvmId, key, timeout));
        progress.note(read);
        if (!read.succeeded()) {
            throw progress.stop(read.outcome(progress.facts()), "env", read, began);
        }
        String hashBefore = read.answer().value(PhalaProvisioning.COMPOSE_HASH);
        String encryptedEnv = sealFor(read, cvmId, variables, progress, began);
        progress.ok("env", read, began);
        return new Sealed(encryptedEnv, hashBefore);
    }

    /** Each env value: a literal as given, a secret's as read. */
    private List<EnvSealer.Variable> values(WholeUpdate update, WholeProgress progress, Instant began) throws Stop {
        List<EnvSealer.Variable> variables = new ArrayList<>();
        for (Map.Entry<String, EnvValue> entry : update.env().entrySet()) {
            String value = switch (entry.getValue()) {
                case EnvValue.Literal literal -> literal.value();
                case EnvValue.FromSecret ref -> read(entry.getKey(), ref, progress, began);
            };
            variables.add(new EnvSealer.Variable(entry.getKey(), value));
        }
        return variables;
    }

    private String read(String name, EnvValue.FromSecret ref, WholeProgress progress, Instant began) throws Stop {
        try {
            return secrets.read(ref.secretId(), ref.jsonKey());
        } catch (EnvSecrets.Missing e) {
            throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.ENV_SECRET_MISSING,
                    "env." + name + ": " + e.getMessage()), "env", 0, null, "rejected", began);
        } catch (EnvSecrets.Unavailable e) {
            throw progress.stop(new Outcome.Failed(progress.facts(), Failure.ENV_UNAVAILABLE,
                    "env." + name + ": " + e.getMessage()), "env", 0, null, "failed", began);
        }
    }

    /** The values sealed for the env key the CVM's read gave, when it gave one the relay can use. */
    private String sealFor(Relay.Call read, String cvmId, List<EnvSealer.Variable> variables, WholeProgress progress,
                           Instant began) throws Stop {
        if (read.answer().value(PhalaProvisioning.KMS_CHAIN_ID) != null) {
            throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.CVM_ENV_KEY_UNUSABLE, "the CVM uses an"
                    + " on-chain KMS (kms_info.chain_id " + read.answer().value(PhalaProvisioning.KMS_CHAIN_ID) + "): its"
                    + " env key comes from that KMS, which the relay does not read; send the update without env"),
                    "env", read, began);
        }
        String publicKey = read.answer().value(PhalaProvisioning.ENV_PUBKEY);
        if (publicKey == null) {
            throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.CVM_ENV_KEY_UNUSABLE, "the CVM's read"
                    + " (GET /api/v1/cvms/" + cvmId + ") gives no encrypted_env_pubkey to seal the env for (an on-chain"
                    + " KMS CVM's key comes from its KMS, which the relay does not read)"), "env", read, began);
        }
        try {
            return sealer.seal(variables, publicKey);
        } catch (EnvSealer.BadPublicKey e) {
            throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.CVM_ENV_KEY_UNUSABLE,
                    "the CVM's encrypted_env_pubkey " + e.getMessage()), "env", read, began);
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
