package com.composerelay.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * One {@code GetSecretValue}, bounded by the call's deadline, for every secret the relay reads (the
 * API key, signing secrets, env values, relay tokens); its failure sorted for the caller to word.
 */
final class SecretRead {
    private SecretRead() {}

    /** Why a secret's string was not read. Holds no value, only what went wrong. */
    static final class Failed extends Exception {
        enum Kind {
            /** The secret does not exist. */
            NOT_FOUND,
            /** Secrets Manager answered with an error ({@link #code}: its error code, else "HTTP n"). */
            REFUSED,
            /** No answer: the client's own failure (timeout, connection). */
            UNREACHABLE
        }

        final Kind kind;
        /** Secrets Manager's error code ("HTTP n" without one); for UNREACHABLE the exception's name. */
        final String code;
        /** The SDK exception's simple class name. */
        final String exception;

        Failed(Kind kind, String code, String exception) {
            super(kind + " " + code, null, false, false);
            this.kind = kind;
            this.code = code;
            this.exception = exception;
        }
    }

    /** The secret's string (null for a binary secret). */
    static String string(Supplier<SecretsManagerClient> client, String secretId, AwsCallDeadline deadline) throws Failed {
        try {
            return client.get().getSecretValue(b -> b.secretId(secretId).overrideConfiguration(deadline.bound()))
                    .secretString();
        } catch (SecretsManagerException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode();
            throw new Failed(e instanceof ResourceNotFoundException ? Failed.Kind.NOT_FOUND : Failed.Kind.REFUSED, code,
                    e.getClass().getSimpleName());
        } catch (SdkException e) {
            throw new Failed(Failed.Kind.UNREACHABLE, e.getClass().getSimpleName(), e.getClass().getSimpleName());
        }
    }
}
