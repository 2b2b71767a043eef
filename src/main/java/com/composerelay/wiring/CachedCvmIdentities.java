package com.composerelay.wiring;

import com.composerelay.core.CvmIdentities;
import com.composerelay.core.Invocation;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import com.composerelay.core.Relay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A CVM's ids read from Phala ({@code GET /cvms/{id}}, with the relay's key, retries and deadline)
 * and kept: they never change. Asked only for a fixed id ({@link com.composerelay.core.RelayToken#isFixed}),
 * and its answer counts only when it names that id as the CVM's own {@code id} or {@code vm_uuid}. A CVM Phala does not know (or will not show) goes by the id asked
 * for only; a read that could not be made is {@link CvmIdentities.Unavailable}, never kept.
 */
final class CachedCvmIdentities implements CvmIdentities {
    /** The most CVMs kept; past it the copy starts over (a relay serves far fewer). */
    static final int MAX_KEPT = 1024;
    /** A read's deadline when no invocation is running. */
    private static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

    private final Relay relay;
    private final PhalaPassThrough phala;
    private final Clock clock;
    /** The ids of each CVM asked about, the least recently used dropped first past {@link #MAX_KEPT}. */
    private final Map<String, Set<String>> kept = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                    return size() > MAX_KEPT;
                }
            });

    CachedCvmIdentities(Relay relay, PhalaPassThrough phala, Clock clock) {
        this.relay = relay;
        this.phala = phala;
        this.clock = clock;
    }

    @Override
    public Set<String> of(String cvmId) throws Unavailable {
        Set<String> ids = kept.get(cvmId);
        if (ids != null) {
            return ids;
        }
        Instant deadline = Invocation.current().map(Invocation::deadline).orElse(clock.instant().plus(DEFAULT_BUDGET));
        // The relay's own API version (null): its answer names the cvm_ id (from 2026-05-22), vm_uuid and app_id.
        Relay.Call read = relay.call(deadline, (key, timeout) -> phala.forward("GET", cvmId, "", null, null, key, timeout));
        if (!read.succeeded()) {
            if (read.rejection() != null) {
                // Phala does not show it: it goes by the id asked for, nothing more (kept: a fixed id stays unknown).
                kept.put(cvmId, Set.of(cvmId));
                return Set.of(cvmId);
            }
            throw new Unavailable("the CVM's ids could not be read from Phala: " + read.error());
        }
        PhalaAnswer answer = read.answer();
        Set<String> found = new LinkedHashSet<>();
        found.add(cvmId);
        JrsValue cvm;
        try {
            cvm = Json.parse(String.valueOf(answer.value(PhalaPassThrough.RAW_BODY)));
        } catch (Json.Malformed e) {
            throw new Unavailable("Phala's read of the CVM is not JSON");
        }
        for (String name : new String[] {"id", "vm_uuid", "app_id"}) {
            JrsValue value = cvm.path(name);
            String text = Json.isText(value) ? Json.text(value) : value.isNumber() ? Json.asText(value) : null;
            if (text != null && !text.isBlank() && text.length() <= 128) {
                found.add(text);
            }
        }
        // Only an answer about the CVM asked for counts: its own id or vm_uuid must be the one in the path.
        String asked = com.composerelay.core.RelayToken.canonical(cvmId);
        boolean same = java.util.stream.Stream.of("id", "vm_uuid").map(cvm::path).filter(Json::isText)
                .anyMatch(v -> com.composerelay.core.RelayToken.canonical(Json.text(v)).equals(asked));
        Set<String> all = same ? Set.copyOf(found) : Set.of(cvmId);
        kept.put(cvmId, all);
        return all;
    }
}
