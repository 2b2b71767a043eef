package com.composerelay.core;

import java.util.Optional;

/** Where the last accepted update of each CVM is remembered, so Phala's later events join its thread. */
public interface UpdateThreads {

    void remember(UpdateThread thread);

    Optional<UpdateThread> find(String cvmId);

    /** No store: Phala's events are published without a link to their update. */
    static UpdateThreads none() {
        return new UpdateThreads() {
            @Override
            public void remember(UpdateThread thread) {}

            @Override
            public Optional<UpdateThread> find(String cvmId) {
                return Optional.empty();
            }
        };
    }
}
