package com.composerelay.support;

import com.composerelay.Dispatcher;
import com.composerelay.RelayHandler;
import com.composerelay.Wiring;
import com.composerelay.config.Config;
import com.composerelay.json.Json;
import com.composerelay.json.JsonNode;

/**
 * The whole handler over in-memory fakes: scripted Phala, fake keys, recorded outcomes, and a
 * clock that backoff "sleeps" advance, so retry tests take no real time; metrics are recorded.
 */
public final class Harness {
    public final MutableClock clock = new MutableClock();
    public final ScriptedPhala phala = new ScriptedPhala(clock);
    public final RecordingOutcomes outcomes = new RecordingOutcomes();
    public final RecordingMetrics metrics = new RecordingMetrics();
    public final InMemoryIdempotency idempotency = new InMemoryIdempotency(clock, java.time.Duration.ofHours(1));
    public final FakeKeys keys;
    public final RelayHandler handler;

    public Harness() {
        this(Fixtures.config(), new FakeKeys(Fixtures.API_KEY));
    }

    public Harness(Config config, FakeKeys keys) {
        this.keys = keys;
        Dispatcher dispatcher = Wiring.dispatcher(config,
                Wiring.parts(keys, phala, idempotency, outcomes, clock, clock::advance).withMetrics(metrics));
        this.handler = new RelayHandler(dispatcher, clock);
    }

    public JsonNode invoke(String eventJson) {
        return invoke(eventJson, new FakeContext());
    }

    public JsonNode invoke(String eventJson, FakeContext context) {
        return Invoke.json(handler, eventJson, context);
    }

    /** The body of an API Gateway response, parsed. */
    public static JsonNode body(JsonNode response) {
        try {
            return Json.parse(response.get("body").textValue());
        } catch (Json.Malformed e) {
            throw new AssertionError("response body is not JSON: " + e.getMessage());
        }
    }
}
