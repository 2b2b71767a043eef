package com.composerelay.core;

import java.util.Optional;

/**
 * What ties Phala's later events about a CVM to the update that caused them: the correlation id
 * its outcomes share, its compose hash, and where to reply (a Slack {@code response_url}), if anywhere.
 */
public interface Threads {

    /** The last accepted update of a CVM. */
    record Thread(String cvmId, String correlationId, String composeHash, String replyUrl) {}

    void remember(Thread thread);

    Optional<Thread> find(String cvmId);

    /** No store: Phala's events are published without a link to their update. */
    static Threads none() {
        return new Threads() {
            @Override
            public void remember(Thread thread) {}

            @Override
            public Optional<Thread> find(String cvmId) {
                return Optional.empty();
            }
        };
    }
}
