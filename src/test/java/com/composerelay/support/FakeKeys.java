package com.composerelay.support;

import com.composerelay.core.ApiKeys;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Keys handed out in order: the first is current, each refresh moves to the next. */
public final class FakeKeys implements ApiKeys {
    private final Deque<String> keys;
    private String current;
    private int refreshes;
    private boolean unavailable;

    public FakeKeys(String... keys) {
        this.keys = new ArrayDeque<>(List.of(keys));
        this.current = this.keys.poll();
    }

    public static FakeKeys unavailable() {
        FakeKeys keys = new FakeKeys("unused");
        keys.unavailable = true;
        return keys;
    }

    @Override
    public synchronized String current() throws KeyUnavailable {
        if (unavailable) {
            throw new KeyUnavailable("secret compose-relay/phala-api-key was not found");
        }
        return current;
    }

    @Override
    public synchronized String refresh(String refused) throws KeyUnavailable {
        refreshes++;
        if (!keys.isEmpty()) {
            current = keys.poll();
        }
        return current;
    }

    public synchronized int refreshes() {
        return refreshes;
    }
}
