package com.composerelay.support;

import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutStore;
import com.composerelay.core.StoreUnavailable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Rollouts kept in memory, versioned as DynamoDbRollouts keeps them; can be made to fail. */
public final class InMemoryRollouts implements RolloutStore {
    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
    private final Map<String, String> requests = new ConcurrentHashMap<>();
    private final Map<String, String> envs = new ConcurrentHashMap<>();
    private final Map<String, String> holders = new ConcurrentHashMap<>();
    private volatile boolean down;

    public void goDown() {
        down = true;
    }

    private void check() throws StoreUnavailable {
        if (down) {
            throw new StoreUnavailable("the rollout store is down (test)");
        }
    }

    @Override
    public synchronized boolean create(Rollout rollout, String requestBody) throws StoreUnavailable {
        check();
        if (rollouts.containsKey(rollout.rolloutId())) {
            return false;
        }
        requests.put(rollout.rolloutId(), requestBody);
        rollouts.put(rollout.rolloutId(), rollout.atVersion(FIRST_VERSION));
        return true;
    }

    @Override
    public Optional<Rollout> find(String rolloutId) throws StoreUnavailable {
        check();
        return Optional.ofNullable(rollouts.get(rolloutId));
    }

    @Override
    public Optional<String> requestBody(String rolloutId) throws StoreUnavailable {
        check();
        return Optional.ofNullable(requests.get(rolloutId));
    }

    @Override
    public synchronized Rollout save(Rollout rollout) throws StoreUnavailable, Changed {
        check();
        Rollout stored = rollouts.get(rollout.rolloutId());
        if (stored == null || stored.version() != rollout.version()) {
            throw new Changed("changed since version " + rollout.version());
        }
        Rollout next = rollout.atVersion(rollout.version() + 1);
        rollouts.put(rollout.rolloutId(), next);
        return next;
    }

    @Override
    public void putSealedEnv(String rolloutId, String appId, String encryptedEnv) throws StoreUnavailable {
        check();
        envs.put(rolloutId + ":" + appId, encryptedEnv);
    }

    @Override
    public void putLastRelease(String channel, String rolloutId) throws StoreUnavailable {
        check();
        envs.put("release-last:" + channel, rolloutId);
    }

    @Override
    public Optional<String> lastRelease(String channel) throws StoreUnavailable {
        check();
        return Optional.ofNullable(envs.get("release-last:" + channel));
    }

    @Override
    public Optional<String> sealedEnv(String rolloutId, String appId) throws StoreUnavailable {
        check();
        return Optional.ofNullable(envs.get(rolloutId + ":" + appId));
    }

    @Override
    public synchronized String hold(String cvmId, String rolloutId) throws StoreUnavailable {
        check();
        String holder = holders.get(cvmId);
        if (holder == null || holder.equals(rolloutId) || rollouts.get(holder) == null || rollouts.get(holder).ended()) {
            holders.put(cvmId, rolloutId);
            return rolloutId;
        }
        return holder;
    }

    @Override
    public synchronized void release(String cvmId, String rolloutId) throws StoreUnavailable {
        check();
        holders.remove(cvmId, rolloutId);
    }

    /** Who holds each CVM now. */
    public Map<String, String> holders() {
        return Map.copyOf(holders);
    }
}
