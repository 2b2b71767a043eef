package com.composerelay.wiring;

import com.composerelay.core.ApiKeys;
import com.composerelay.core.ChatReplies;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcomes;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.Relay;
import com.composerelay.core.SigningSecrets;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.UpdateThreads;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * What the core talks to, one implementation of each port: the deployed relay's talk to AWS, Phala
 * and Slack ({@link DeployedAdapters}); priming's and the tests' are stand-ins. None is ever null:
 * a port the configuration leaves out is its {@code none()}, and {@link Routes} turns the routes
 * that need it off.
 */
public record Adapters(ApiKeys keys, PhalaApi phala, IdempotencyStore idempotency, Outcomes outcomes,
                       UpdateThreads threads, ChatReplies replies, SigningSecrets signingSecrets, UpdateQueue queue,
                       Clock clock, Relay.Sleeper sleeper, DoubleSupplier jitter, Metrics metrics) {

    /** Only what every relay needs: the key, Phala and the outcomes; every other port is its none(). */
    public static Adapters of(ApiKeys keys, PhalaApi phala, Outcomes outcomes, Clock clock, Relay.Sleeper sleeper,
                              DoubleSupplier jitter, Metrics metrics) {
        return new Adapters(keys, phala, IdempotencyStore.none(), outcomes, UpdateThreads.none(), ChatReplies.none(),
                SigningSecrets.none(), UpdateQueue.none(), clock, sleeper, jitter, metrics);
    }
}
