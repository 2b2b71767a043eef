package com.composerelay.wiring;

import com.composerelay.core.ApiKeys;
import com.composerelay.core.AppCompose;
import com.composerelay.core.EnvSealer;
import com.composerelay.core.EnvSecrets;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.PhalaProvisioning;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.ReleaseChannels;
import com.composerelay.crypto.X25519EnvSealer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import com.composerelay.core.ChatReplies;
import com.composerelay.core.RelayTable;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcomes;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.Relay;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.RolloutEngine;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutStore;
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
public record Adapters(ApiKeys keys, PhalaApi phala, RelayTable table, Outcomes outcomes,
                       UpdateThreads threads, ChatReplies replies, SigningSecrets signingSecrets, UpdateQueue queue,
                       Clock clock, Relay.Sleeper sleeper, DoubleSupplier jitter, Metrics metrics, Whole whole,
                       ClientApi clientApi, RolloutPorts rollouts) {

    /** The adapters without rollouts. */
    public Adapters(ApiKeys keys, PhalaApi phala, RelayTable table, Outcomes outcomes, UpdateThreads threads,
                    ChatReplies replies, SigningSecrets signingSecrets, UpdateQueue queue, Clock clock,
                    Relay.Sleeper sleeper, DoubleSupplier jitter, Metrics metrics, Whole whole, ClientApi clientApi) {
        this(keys, phala, table, outcomes, threads, replies, signingSecrets, queue, clock, sleeper, jitter, metrics, whole,
                clientApi, RolloutPorts.none());
    }

    /**
     * What rollouts talk to: where they are kept, the state machine, their outcomes, Phala's fleet
     * calls, the task queue whose messages are the machine's tasks, the release channels' store and
     * the registry's tags (ECR), for image deploys.
     */
    public record RolloutPorts(RolloutStore store, RolloutEngine engine, RolloutReports reports, PhalaFleet fleet,
                               String taskQueueArn, ReleaseChannels.Source channels,
                               com.composerelay.core.ImageTags tags) {
        public RolloutPorts {
            Objects.requireNonNull(channels);
            Objects.requireNonNull(tags);
        }

        /** Without a registry. */
        public RolloutPorts(RolloutStore store, RolloutEngine engine, RolloutReports reports, PhalaFleet fleet,
                            String taskQueueArn, ReleaseChannels.Source channels) {
            this(store, engine, reports, fleet, taskQueueArn, channels, com.composerelay.core.ImageTags.none());
        }

        /** Without release channels. */
        public RolloutPorts(RolloutStore store, RolloutEngine engine, RolloutReports reports, PhalaFleet fleet,
                            String taskQueueArn) {
            this(store, engine, reports, fleet, taskQueueArn, List::of);
        }

        /** Off: no state machine; the rollout routes answer 404. */
        public static RolloutPorts none() {
            return new RolloutPorts(null, RolloutEngine.none(), report -> { }, null, null);
        }

        public boolean on() {
            return engine.configured() && store != null && fleet != null;
        }
    }

    /**
     * What the Phala-compatible API ({@code /api/v1}) talks to: Phala's API passed through with the real
     * key, and the relay tokens' store.
     */
    public record ClientApi(PhalaPassThrough phala, RelayTokens.Source tokens) {
        /** Off: nothing is passed through, no token is known. */
        public static ClientApi none() {
            return new ClientApi((method, cvmId, suffix, body, version, key, timeout) -> {
                throw new PhalaApi.Unreachable("no Phala pass-through is configured");
            }, List::of);
        }
    }

    /** What the whole update talks to beyond the PATCH: Phala's provision and CVM read, env secrets, the sealer. */
    public record Whole(PhalaProvisioning provisioning, EnvSecrets envSecrets, EnvSealer sealer) {
        /** Without provisioning (a relay of the PATCH form only, priming): every whole update fails, named. */
        public static Whole none() {
            PhalaProvisioning none = new PhalaProvisioning() {
                @Override
                public PhalaAnswer provision(String cvmId, AppCompose compose, List<String> allowedEnvs,
                                             boolean updateEnvVars, String apiKey, Duration timeout)
                        throws PhalaApi.Unreachable {
                    throw new PhalaApi.Unreachable("no provisioning is configured");
                }

                @Override
                public PhalaAnswer readCvm(String cvmId, String apiKey, Duration timeout) throws PhalaApi.Unreachable {
                    throw new PhalaApi.Unreachable("no provisioning is configured");
                }
            };
            return new Whole(none, EnvSecrets.none(), new X25519EnvSealer());
        }
    }

    /** Only what every relay needs: the key, Phala and the outcomes; every other port is its none(). */
    public static Adapters of(ApiKeys keys, PhalaApi phala, Outcomes outcomes, Clock clock, Relay.Sleeper sleeper,
                              DoubleSupplier jitter, Metrics metrics) {
        return new Adapters(keys, phala, RelayTable.none(), outcomes, UpdateThreads.none(), ChatReplies.none(),
                SigningSecrets.none(), UpdateQueue.none(), clock, sleeper, jitter, metrics, Whole.none(), ClientApi.none());
    }
}
