package com.composerelay.core;

import java.time.Duration;

/** Phala Cloud's compose update, one attempt per call. */
public interface PhalaApi {

    /**
     * Sends one {@code PATCH /api/v1/cvms/{cvm_id}/compose_file}.
     *
     * @throws Timeout when no whole answer came within {@code timeout}
     * @throws Unreachable when the connection could not be made or broke
     */
    PhalaAnswer patchComposeFile(ComposeUpdate update, String apiKey, Duration timeout)
            throws Timeout, Unreachable;

    /** Phala did not answer within the time given. */
    final class Timeout extends Exception {
        public Timeout(String message) {
            super(message, null, false, false);
        }
    }

    /** Phala could not be reached, or the connection broke before a whole answer. */
    final class Unreachable extends Exception {
        public Unreachable(String message) {
            super(message, null, false, false);
        }
    }
}
