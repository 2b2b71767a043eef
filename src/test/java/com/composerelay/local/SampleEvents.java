package com.composerelay.local;

import com.composerelay.json.Json;
import com.composerelay.support.TestJson;
import com.composerelay.webhook.HubSignature;
import com.composerelay.webhook.PhalaWebhookSignature;
import com.composerelay.webhook.SlackSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * The signed samples in {@code events/}, signed anew with the sample secrets of
 * {@code events/env.json} and the current time (what {@code scripts/sign-event.py} does).
 */
public final class SampleEvents {
    private SampleEvents() {}

    /** A sample secret of env.json, such as {@code SAMPLE_SLACK_SIGNING_SECRET}. */
    public static String sampleSecret(String name) {
        return read("env.json").path("ComposeRelayFunction").path(name).asText();
    }

    /**
     * The sample, signed for now, its raw body changed by {@code edit}. The CI hook's body gets
     * {@code timestamp} = now before the edit (the hook signs its time of sending in the body).
     */
    public static String fresh(String name, long nowSeconds, UnaryOperator<String> edit) {
        ObjectNode event = (ObjectNode) read(name);
        boolean base64 = event.path("isBase64Encoded").asBoolean(false);
        String raw = base64 ? new String(Base64.getDecoder().decode(event.get("body").textValue()), StandardCharsets.UTF_8)
                : event.get("body").textValue();
        if (event.get("rawPath").textValue().endsWith("/hooks/compose-update")) {
            raw = withTimestamp(raw, nowSeconds);
        }
        raw = edit.apply(raw);
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        event.put("body", base64 ? Base64.getEncoder().encodeToString(bytes) : raw);
        ObjectNode headers = (ObjectNode) event.get("headers");
        String ts = String.valueOf(nowSeconds);
        String path = event.get("rawPath").textValue();
        if (path.endsWith("/slack/command")) {
            headers.put("x-slack-request-timestamp", ts);
            headers.put("x-slack-signature", SlackSignature.sign(sampleSecret("SAMPLE_SLACK_SIGNING_SECRET"), ts, bytes));
        } else if (path.endsWith("/phala/events")) {
            headers.put("x-webhook-timestamp", ts);
            headers.put("x-webhook-signature", PhalaWebhookSignature.sign(sampleSecret("SAMPLE_PHALA_WEBHOOK_SECRET"), ts, bytes));
        } else if (path.endsWith("/hooks/compose-update")) {
            headers.put("x-hub-signature-256", HubSignature.sign(sampleSecret("SAMPLE_HOOK_SECRET"), bytes));
        }
        return TestJson.write(event);
    }

    private static String withTimestamp(String raw, long nowSeconds) {
        try {
            ObjectNode body = (ObjectNode) TestJson.parse(raw);
            body.put("timestamp", nowSeconds);
            return TestJson.write(body);
        } catch (Json.Malformed e) {
            throw new IllegalStateException("the hook sample's body " + e.getMessage());
        }
    }

    private static JsonNode read(String name) {
        try {
            return TestJson.parse(Files.readString(Path.of("events", name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Json.Malformed e) {
            throw new IllegalStateException("events/" + name + " " + e.getMessage());
        }
    }
}
