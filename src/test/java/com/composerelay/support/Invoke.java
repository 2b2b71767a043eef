package com.composerelay.support;

import com.amazonaws.services.lambda.runtime.Context;
import com.composerelay.RelayHandler;
import com.composerelay.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Calls the handler with an event, as Lambda's runtime does with its streams. */
public final class Invoke {
    private Invoke() {}

    /** What the handler wrote, as text. */
    public static String raw(RelayHandler handler, String event, Context context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What the handler wrote, parsed; not JSON fails the test. */
    public static JsonNode json(RelayHandler handler, String event, Context context) {
        String text = raw(handler, event, context);
        try {
            return TestJson.parse(text);
        } catch (Json.Malformed e) {
            throw new AssertionError("the handler wrote something that is not JSON: " + e.getMessage());
        }
    }

    public static JsonNode json(RelayHandler handler, String event) {
        return json(handler, event, new FakeContext());
    }
}
