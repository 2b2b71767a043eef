package com.composerelay.properties;

import com.composerelay.support.Harness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.composerelay.support.TestJson;
import com.composerelay.trigger.UnrecognisedEvent;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.FakeContext;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Events;
import com.composerelay.support.ScriptedPhala;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Thousands of generated events for every trigger: random and truncated JSON, wrong types, huge
 * strings, unicode and control characters, path tricks in cvm_id, headers in odd case, base64
 * flags that lie. Phala (a fake) always accepts, so any failure here is the relay's own.
 */
class BadInputProperties extends SecretFreeLog {
    private static final int TRIES = 1000;
    private static final Set<String> FIELDS = Set.of("body", "cvm_id", "compose_hash", "encrypted_env", "env_keys",
            "update_env_vars", "Idempotency-Key");
    private static final Pattern INDEXED = Pattern.compile("env_keys\\[\\d+]");
    private static final Pattern ONE_SEGMENT = Pattern.compile("/api/v1/cvms/[A-Za-z0-9._~%-]+/compose_file");

    // ---- properties --------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void httpApiEventsNeverBreakTheRelay(@ForAll("httpApiEvents") String event) {
        checkApiEvent(event);
    }

    @Property(tries = TRIES)
    void restApiEventsNeverBreakTheRelay(@ForAll("restApiEvents") String event) {
        checkApiEvent(event);
    }

    @Property(tries = TRIES)
    void sqsBatchesNeverBreakTheRelay(@ForAll("sqsEvents") String event) {
        Harness harness = new Harness();
        JsonNode response = harness.invoke(event, new FakeContext());
        assertThat(response.has("batchItemFailures")).as("a partial batch response").isTrue();
        // Phala accepts everything: a message is either accepted or rejected for good, never redelivered.
        assertThat(response.get("batchItemFailures")).isEmpty();
        int records = parse(event).path("Records").size();
        assertThat(harness.outcomes.published()).hasSize(records);
        harness.outcomes.published().forEach(o -> Statistics.label("message outcome").collect(o.status()));
        harness.outcomes.published().forEach(o -> {
            if (o.status().equals("rejected")) {
                assertNamesAField(o.error());
            } else {
                assertThat(o.status()).isEqualTo("accepted");
            }
        });
        assertEveryPatchIsOneSegment(harness);
        assertNoKey(response.toString(), harness);
    }

    @Property(tries = TRIES)
    void anyOtherEventFailsTheInvocationAndNothingIsSent(@ForAll("otherEvents") String event) {
        Harness harness = new Harness();
        Throwable thrown = catchThrowable(() -> harness.invoke(event, new FakeContext()));
        assertThat(thrown).isInstanceOf(UnrecognisedEvent.class);
        assertThat(thrown.getMessage()).startsWith("unrecognised event: ");
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
        assertNoKey(thrown.getMessage(), harness);
    }

    @Property(tries = TRIES)
    void truncatedEventsGetAClearError(@ForAll("truncatedEvents") String event) {
        Harness harness = new Harness();
        Throwable thrown = catchThrowable(() -> harness.invoke(event, new FakeContext()));
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(thrown).isInstanceOf(UnrecognisedEvent.class);
        assertThat(thrown.getMessage()).containsAnyOf("not valid JSON", "is empty");
    }

    @Property(tries = 500)
    void loneSurrogatesInCvmIdNeverReachPhala(@ForAll("loneSurrogateCvmIds") String escapedCvmId,
                                              @ForAll("surrogateRoutes") String route) {
        // The event carries the id as a JSON escape (\\ud800...), so the parsed cvm_id holds a lone UTF-16 unit.
        String marker = "cvm_SURROGATE_MARKER";
        String hash = "\"compose_hash\":\"" + Fixtures.HASH + "\"";
        Statistics.label("route").collect(route);
        if (route.equals("hook")) {
            Harness chat = Harness.chatOps();
            String body = "{\"cvm_id\":\"" + escapedCvmId + "\"," + hash + ",\"timestamp\":" + chat.now() + "}";
            String event = Harness.post("/hooks/compose-update", java.util.Map.of(
                    "X-Hub-Signature-256", com.composerelay.webhook.HubSignature.sign(
                            Harness.HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8))), body, false);
            JsonNode response = chat.invoke(event);
            assertThat(chat.phala.calls()).as("no PATCH for cvm_id %s", escapedCvmId).isEmpty();
            assertThat(response.get("statusCode").intValue()).isEqualTo(400);
            assertThat(Harness.body(response).get("error").textValue()).startsWith("cvm_id: ");
            return;
        }
        Harness harness = new Harness();
        String event = route.equals("http api")
                ? Events.httpApi(marker, "{" + hash + "}").replace(marker, escapedCvmId)
                : Events.sqs(Events.sqsRecord("m1", "{\"cvm_id\":\"" + marker + "\"," + hash + "}", 1))
                        .replace(marker, escapedCvmId.replace("\\", "\\\\"));
        JsonNode response = harness.invoke(event, new FakeContext());
        assertThat(harness.phala.calls()).as("no PATCH for cvm_id %s", escapedCvmId).isEmpty();
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo("rejected"));
        if (route.equals("http api")) {
            assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        }
    }

    @Provide
    Arbitrary<String> loneSurrogateCvmIds() {
        return Combinators.combine(Arbitraries.of("cvm_", "", "cvm_ab"), Arbitraries.of("\\ud800", "\\udbff", "\\udc00",
                        "\\udfff", "\\ud83d", "\\ude00\\ud83d"), Arbitraries.of("", "x", "\\ud83d\\ude00"))
                .as((before, lone, after) -> before + lone + after);
    }

    @Provide
    Arbitrary<String> surrogateRoutes() {
        return Arbitraries.of("http api", "sqs", "hook");
    }

    // ---- checks ------------------------------------------------------------------------------------

    private void checkApiEvent(String event) {
        Harness harness = new Harness();
        JsonNode response = harness.invoke(event, new FakeContext());
        int status = response.get("statusCode").intValue();
        Statistics.label("status").collect(status);
        assertThat(status).as("never a 5xx for a client's mistake (Phala accepts everything here)").isLessThan(500);
        JsonNode body = Harness.body(response);
        if (status == 400) {
            assertThat(harness.phala.calls()).as("no PATCH for an invalid request").isEmpty();
            assertNamesAField(body.get("error").textValue());
        } else if (status == 202) {
            assertThat(harness.phala.calls()).hasSize(1);
        } else {
            assertThat(status).isIn(404, 405);
            assertThat(harness.phala.calls()).isEmpty();
        }
        assertEveryPatchIsOneSegment(harness);
        assertNoKey(response.toString(), harness);
    }

    private static void assertNamesAField(String error) {
        assertThat(error).contains(": ");
        String field = error.substring(0, error.indexOf(": "));
        boolean known = FIELDS.contains(field) || INDEXED.matcher(field).matches();
        assertThat(known || error.contains(": is not a known field"))
                .as("error names the field: %s", error).isTrue();
    }

    private static void assertEveryPatchIsOneSegment(Harness harness) {
        HttpPhalaApi api = new HttpPhalaApi((java.net.http.HttpClient) null, URI.create("https://cloud-api.phala.com"), "2026-05-22", Clock.systemUTC());
        for (ScriptedPhala.Call call : harness.phala.calls()) {
            URI uri = api.composeFileUri(call.update().cvmId());
            assertThat(uri.getRawPath()).matches(ONE_SEGMENT);
            assertThat(uri.normalize()).isEqualTo(uri);
            assertThat(uri.getRawQuery()).isNull();
            assertThat(uri.getRawFragment()).isNull();
        }
    }

    private static void assertNoKey(String response, Harness harness) {
        assertThat(response).doesNotContain(Fixtures.API_KEY);
        assertThat(harness.outcomes.published().toString()).doesNotContain(Fixtures.API_KEY);
    }

    private static JsonNode parse(String text) {
        try {
            return TestJson.parse(text);
        } catch (Json.Malformed e) {
            throw new AssertionError(e);
        }
    }

    // ---- generators --------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> httpApiEvents() {
        return Combinators.combine(cvmIds(), bodies(), base64Flags(), headerNames(), idempotencyKeys())
                .as((cvm, body, flag, header, key) -> {
                    ObjectNode event = (ObjectNode) Fixtures.event("http-api.json");
                    ((ObjectNode) event.get("pathParameters")).put("cvm_id", cvm);
                    event.put("rawPath", "/cvms/" + cvm + "/compose_file");
                    setBody(event, body, flag);
                    if (key != null) {
                        ((ObjectNode) event.get("headers")).put(header, key);
                    }
                    return TestJson.write(event);
                });
    }

    @Provide
    Arbitrary<String> restApiEvents() {
        return Combinators.combine(cvmIds(), bodies(), base64Flags(), Arbitraries.of("PATCH", "patch", "POST", "GET"),
                        Arbitraries.of(true, false))
                .as((cvm, body, flag, method, withPathParameters) -> {
                    ObjectNode event = (ObjectNode) Fixtures.event("rest-api.json");
                    event.put("httpMethod", method);
                    if (withPathParameters) {
                        ((ObjectNode) event.get("pathParameters")).put("cvm_id", cvm);
                    } else {
                        event.putNull("pathParameters");
                        event.put("path", "/cvms/" + cvm + "/compose_file");
                    }
                    setBody(event, body, flag);
                    return TestJson.write(event);
                });
    }

    @Provide
    Arbitrary<String> sqsEvents() {
        Arbitrary<ObjectNode> record = Combinators.combine(bodiesWithCvmId(), Arbitraries.integers().between(1, 10),
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(36))
                .as((body, receiveCount, id) -> {
                    ObjectNode r = ((ObjectNode) Fixtures.event("sqs-batch.json").get("Records").get(0)).deepCopy();
                    r.put("messageId", id);
                    r.put("body", body);
                    ((ObjectNode) r.get("attributes")).put("ApproximateReceiveCount", String.valueOf(receiveCount));
                    return r;
                });
        return record.list().ofMinSize(1).ofMaxSize(10).uniqueElements(r -> r.get("messageId").textValue())
                .map(records -> {
                    ObjectNode event = TestJson.object();
                    ArrayNode array = event.putArray("Records");
                    records.forEach(array::add);
                    return TestJson.write(event);
                });
    }

    @Provide
    Arbitrary<String> otherEvents() {
        return Arbitraries.oneOf(jsonValues(3).map(TestJson::write),
                Arbitraries.strings().ofMaxLength(30).map(s -> "{\"source\":" + TestJson.write(TestJson.textNode(s)) + "}"),
                Arbitraries.of("{\"Records\":[]}", "{\"Records\":[{\"eventSource\":\"aws:s3\"}]}", "{\"version\":\"2.0\"}",
                        "{\"httpMethod\":7}", "{\"requestContext\":{}}", "null", "[]", "\"\"", "0"));
    }

    @Provide
    Arbitrary<String> truncatedEvents() {
        return Arbitraries.of("http-api.json", "rest-api.json", "sqs-batch.json")
                .flatMap(name -> {
                    String text = Fixtures.eventText(name).strip();
                    return Arbitraries.integers().between(0, text.length() - 1).map(cut -> text.substring(0, cut));
                });
    }

    static Arbitrary<String> cvmIds() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of("cvm_ykL5lbAn", "3f1c2a8e-5b7d-4e9f-a1c3-2b4d6e8f0a1c",
                        "app_7a1c5e2f9b3d4c6a8e0f1b2d3c4e5f6a7b8c9d0e", "my-app.v2", "ünïcödé")),
                net.jqwik.api.Tuple.of(4, Arbitraries.of("..", ".", "../admin", "a/b", "a%2Fb", "%2e%2e", "a\\b", "a?x=1",
                        "a#frag", " lead", "trail ", "tab\there", "nl\n", "nul\u0000", "\u202e", "a\u2028b", "")),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMinLength(120).ofMaxLength(400)),
                net.jqwik.api.Tuple.of(4, Arbitraries.strings().all().ofMaxLength(20)));
    }

    /** Body text: mostly objects of known and unknown fields with values of any type, sometimes not JSON. */
    private static Arbitrary<String> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, bodyObjects(false).map(TestJson::write)),
                net.jqwik.api.Tuple.of(2, jsonValues(2).map(TestJson::write)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(50)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((String) null)));
    }

    private static Arbitrary<String> bodiesWithCvmId() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, bodyObjects(true).map(TestJson::write)),
                net.jqwik.api.Tuple.of(2, jsonValues(2).map(TestJson::write)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(50)));
    }

    static Arbitrary<ObjectNode> bodyObjects(boolean withCvmId) {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("compose_hash", "encrypted_env", "env_keys", "update_env_vars", "cvm_id")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("composeHash", "Compose_Hash", "updateEnvVars", "force", "")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
        Arbitrary<JsonNode> values = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, hex().map(TestJson::textNode)),
                net.jqwik.api.Tuple.of(2, envNames()),
                net.jqwik.api.Tuple.of(3, jsonValues(1)));
        Arbitrary<ObjectNode> fields = Combinators.combine(names, values).as((n, v) -> {
            ObjectNode o = TestJson.object();
            o.set(n, v);
            return o;
        }).list().ofMaxSize(6).map(list -> {
            ObjectNode body = TestJson.object();
            list.forEach(body::setAll);
            return body;
        });
        return Combinators.combine(fields, cvmIds(), hex(), Arbitraries.of(true, false)).as((body, cvm, hash, complete) -> {
            if (complete) {
                body.put("compose_hash", hash);
                if (withCvmId) {
                    body.put("cvm_id", cvm);
                }
            }
            return body;
        });
    }

    static Arbitrary<String> hex() {
        return Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(1).ofMaxLength(70)
                .map(h -> h.length() % 3 == 0 ? "0x" + h : h);
    }

    private static Arbitrary<JsonNode> envNames() {
        return Arbitraries.strings().withCharRange('A', 'Z').withChars("_09a").ofMinLength(0).ofMaxLength(8)
                .list().ofMaxSize(4).map(list -> {
                    ArrayNode array = TestJson.array();
                    list.forEach(array::add);
                    return array;
                });
    }

    /** Any JSON value, nested up to {@code depth}: huge strings and unicode included. */
    static Arbitrary<JsonNode> jsonValues(int depth) {
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40).map(s -> TestJson.textNode(s)),
                Arbitraries.strings().ofMinLength(10_000).ofMaxLength(100_000).withChars("ab\u00e9\u4e2d\"\\\u0001")
                        .map(s -> TestJson.textNode(s)),
                Arbitraries.longs().map(n -> TestJson.numberNode(n)),
                Arbitraries.doubles().map(d -> TestJson.numberNode(d)),
                Arbitraries.of(true, false).map(b -> TestJson.booleanNode(b)),
                Arbitraries.just(TestJson.nullNode()));
        if (depth <= 0) {
            return leaves;
        }
        Arbitrary<JsonNode> arrays = jsonValues(depth - 1).list().ofMaxSize(3).map(list -> {
            ArrayNode array = TestJson.array();
            list.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.strings().all().ofMaxLength(8), jsonValues(depth - 1))
                .as((k, v) -> {
                    ObjectNode o = TestJson.object();
                    o.set(k, v);
                    return (JsonNode) o;
                }).list().ofMaxSize(3).map(list -> {
                    ObjectNode o = TestJson.object();
                    list.forEach(n -> o.setAll((ObjectNode) n));
                    return o;
                });
        return Arbitraries.oneOf(leaves, arrays, objects);
    }

    /** How the event states its encoding: honest, or lying either way. */
    enum Base64Flag { PLAIN, ENCODED, CLAIMS_ENCODED_BUT_PLAIN, ENCODED_BUT_CLAIMS_PLAIN }

    private static Arbitrary<Base64Flag> base64Flags() {
        return Arbitraries.of(Base64Flag.class);
    }

    private static Arbitrary<String> headerNames() {
        return Arbitraries.of("Idempotency-Key", "idempotency-key", "IDEMPOTENCY-KEY", "iDeMpOtEnCy-KeY");
    }

    private static Arbitrary<String> idempotencyKeys() {
        return Arbitraries.oneOf(Arbitraries.just((String) null),
                Arbitraries.strings().alpha().numeric().withChars("-_:").ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(300));
    }

    private static void setBody(ObjectNode event, String body, Base64Flag flag) {
        if (body == null) {
            event.remove("body");
            return;
        }
        String encoded = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        switch (flag) {
            case PLAIN -> {
                event.put("body", body);
                event.put("isBase64Encoded", false);
            }
            case ENCODED -> {
                event.put("body", encoded);
                event.put("isBase64Encoded", true);
            }
            case CLAIMS_ENCODED_BUT_PLAIN -> {
                event.put("body", body);
                event.put("isBase64Encoded", true);
            }
            case ENCODED_BUT_CLAIMS_PLAIN -> {
                event.put("body", encoded);
                event.put("isBase64Encoded", false);
            }
        }
    }
}
