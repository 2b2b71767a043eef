package com.composerelay.properties;

import com.composerelay.support.Harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.log.Log;
import com.composerelay.support.Fixtures;
import com.composerelay.support.MutableClock;
import com.composerelay.support.TestJson;
import com.composerelay.webhook.HubSignature;
import com.composerelay.webhook.PhalaWebhookSignature;
import com.composerelay.webhook.SlackSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated requests on the signed routes ({@code POST /slack/command}, {@code POST
 * /hooks/compose-update}, {@code POST /phala/events}): correctly signed ones with adversarial bodies
 * (wrong types, huge strings, unicode, control characters, newlines, Slack markup, path tricks),
 * and wrongly signed ones (missing, stale, junk or other-secret signatures and timestamps, tampered
 * bodies). Phala (a fake) accepts everything here; any failure is the relay's own.
 */
class SignedRouteProperties extends SecretFreeLog {
    private static final long NOW = MutableClock.START.getEpochSecond();
    private static final String UNAUTHORIZED = "{\"error\":\"unauthorized\"}";
    private static final String STALE =
            "{\"error\":\"timestamp: outside the 300 s window of the relay's clock; sign a fresh request\"}";

    // ---- properties --------------------------------------------------------------------------------

    @Property(tries = 1500)
    void signedSlackCommandsAnswerEphemerallyAndQueueAtMostOneAllowedValidUpdate(@ForAll("slackCommands") SlackCase c) {
        Harness harness = Harness.chatOps();
        String ts = String.valueOf(NOW + c.skew());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(c.headerCase().apply("Content-Type"), "application/x-www-form-urlencoded");
        headers.put(c.headerCase().apply("X-Slack-Request-Timestamp"), ts);
        headers.put(c.headerCase().apply("X-Slack-Signature"),
                SlackSignature.sign(c.secret(), ts, c.body().getBytes(StandardCharsets.UTF_8)));
        JsonNode response = harness.invoke(Harness.post("/slack/command", headers, c.body(), c.base64()));

        assertThat(response.get("statusCode").intValue()).as("a signed command is always answered 200").isEqualTo(200);
        JsonNode body = Harness.body(response);
        assertThat(body.get("response_type").textValue()).isEqualTo("ephemeral");
        assertThat(body.get("text").textValue()).isNotBlank();
        assertThat(harness.phala.calls()).as("the PATCH runs from the queue, never at the route").isEmpty();
        assertThat(harness.outcomes.published()).as("the route publishes nothing; the queue does").isEmpty();
        assertThat(harness.queued).as("at most one message enqueued").hasSizeLessThanOrEqualTo(1);
        for (Harness.Queued q : harness.queued) {
            assertThat(Invariants.validCvmId(q.update().cvmId())).as("queued cvm_id %s is valid", q.update().cvmId()).isTrue();
            assertThat(Invariants.validComposeHash(q.update().composeHash())).isTrue();
            assertThat(c.team()).as("only the allowlisted team").isEqualTo("T0001");
            assertThat(c.user().equals("U0BOSS") || (c.channel().equals("C0001") && q.update().cvmId().startsWith("cvm_")))
                    .as("only as the allowlist says: %s in %s for %s", c.user(), c.channel(), q.update().cvmId()).isTrue();
            assertThat(q.attributes()).containsEntry("origin", "slack").containsEntry("slack_user", c.user());
            Invariants.noSecretIn("the queued message", q.toString());
        }
        Invariants.noSecretIn("the answer", response.toString());
        Statistics.label("slack answer").collect(harness.queued.isEmpty() ? firstWord(body.get("text").textValue()) : "queued");
    }

    @Property(tries = 1500)
    void signedHookRequestsPatchOnlyValidUpdatesAndPublishOneOutcomeEach(@ForAll("hookRequests") HookCase c) {
        Harness harness = Harness.chatOps();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(c.headerCase().apply("Content-Type"), "application/json");
        headers.put(c.headerCase().apply("X-Hub-Signature-256"),
                HubSignature.sign(Harness.HOOK_SECRET, c.body().getBytes(StandardCharsets.UTF_8)));
        if (c.delivery() != null) {
            headers.put(c.headerCase().apply("X-GitHub-Delivery"), c.delivery());
        }
        String event = Harness.post("/hooks/compose-update", headers, c.body(), c.base64());
        JsonNode first = harness.invoke(event);

        int status = first.get("statusCode").intValue();
        Statistics.label("hook status").collect(status);
        Statistics.label("hook timestamp field").collect(c.timestamp());
        assertThat(status).as("accepted, refused as invalid, or refused as stale").isIn(202, 400, 401);
        switch (c.timestamp()) {
            case "now", "within 300 s" -> assertThat(status).as("a fresh timestamp is never refused as stale").isIn(202, 400);
            case "stale" -> {
                assertThat(status).as("a timestamp outside the window is refused before the rest is read").isEqualTo(401);
                assertThat(first.get("body").textValue()).isEqualTo(STALE);
            }
            case "not an object" -> assertThat(status).isEqualTo(400);
            default -> {
                assertThat(status).as("a missing or malformed timestamp is bad input").isEqualTo(400);
                assertThat(Harness.body(first).get("error").textValue()).startsWith("timestamp: ");
            }
        }
        List<Outcome> outcomes = harness.outcomes.published();
        switch (status) {
            case 202 -> {
                assertThat(harness.phala.calls()).hasSize(1);
                String cvm = harness.phala.calls().getFirst().update().cvmId();
                assertThat(Invariants.validCvmId(cvm)).as("PATCHed cvm_id %s is valid", cvm).isTrue();
                assertThat(outcomes).singleElement().satisfies(o -> {
                    assertThat(o.status()).isEqualTo("accepted");
                    assertThat(o.facts().trigger().wire()).isEqualTo("hook");
                });
            }
            case 400 -> {
                assertThat(harness.phala.calls()).as("no PATCH for an invalid request").isEmpty();
                assertThat(outcomes).hasSizeLessThanOrEqualTo(1).allSatisfy(o -> {
                    assertThat(o.status()).isEqualTo("rejected");
                    assertThat(o.error()).contains(": ");
                });
            }
            default -> {
                assertThat(harness.phala.calls()).isEmpty();
                assertThat(outcomes).isEmpty();
            }
        }
        // The same signed delivery again (a CI retry, or a replay): never a second PATCH or acceptance,
        // whatever unsigned headers it comes with, and refused once its timestamp is out of the window.
        JsonNode again = harness.invoke(event);
        Map<String, String> newKeys = new LinkedHashMap<>(headers);
        newKeys.put("Idempotency-Key", "replay-" + c.delivery());
        newKeys.put("X-GitHub-Delivery", "replay-" + c.delivery());
        JsonNode withNewKeys = harness.invoke(Harness.post("/hooks/compose-update", newKeys, c.body(), c.base64()));
        harness.clock.advance(java.time.Duration.ofSeconds(601));
        JsonNode late = harness.invoke(Harness.post("/hooks/compose-update", newKeys, c.body(), c.base64()));
        if (status == 202) {
            assertThat(again.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
            assertThat(withNewKeys.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
            assertThat(late.get("statusCode").intValue()).as("past the window, whatever the record").isEqualTo(401);
        }
        assertThat(harness.phala.calls()).as("a replay sends no second PATCH").hasSizeLessThanOrEqualTo(1);
        assertThat(harness.outcomes.published().stream().filter(o -> o.status().equals("accepted")))
                .as("a replay is never accepted twice").hasSizeLessThanOrEqualTo(1);
        assertThat(harness.queued).isEmpty();
        Invariants.noSecretIn("the answer", first.toString());
        Invariants.noSecretIn("the answer to the replay", again.toString());
        Invariants.noSecretIn("the answer to the replay with new keys", withNewKeys.toString());
        Invariants.noSecretIn("the answer to the late replay", late.toString());
        Invariants.noSecretIn(harness.outcomes.published());
    }

    @Property(tries = 1000)
    void signedPhalaEventsPublishAtMostOneOutcomeAndNeverPatch(@ForAll("phalaEvents") String body,
                                                               @ForAll("skews") int skew,
                                                               @ForAll("headerCases") HeaderCase headerCase,
                                                               @ForAll boolean base64) {
        Harness harness = Harness.chatOps();
        JsonNode response = harness.invoke(phalaEvent(body, skew, headerCase, base64, Harness.PHALA_SECRET));

        int status = response.get("statusCode").intValue();
        assertThat(status).as("a signed event is acknowledged, or refused as malformed").isIn(200, 400);
        List<Outcome> outcomes = harness.outcomes.published();
        assertThat(outcomes).as("at most one outcome per event").hasSizeLessThanOrEqualTo(1);
        if (status == 200) {
            JsonNode answer = Harness.body(response);
            assertThat(answer.get("received").booleanValue()).isTrue();
            String result = answer.get("result").textValue();
            Statistics.label("phala event result").collect(result);
            assertThat(result).isIn("completed", "failed", "ignored");
            assertThat(outcomes).hasSize(result.equals("ignored") ? 0 : 1);
            for (Outcome o : outcomes) {
                assertThat(o.status()).isEqualTo(result);
                String event = answer.get("event").textValue();
                assertThat(event).isIn(o.status().equals("completed") ? Set.of("cvm.updated", "cvm.restarted")
                        : Set.of("cvm.create_failed", "cvm.stopped"));
                assertThat(o.facts().trigger().wire()).isEqualTo("phala");
            }
        } else {
            Statistics.label("phala event result").collect("400");
            assertThat(outcomes).isEmpty();
        }
        assertThat(harness.phala.calls()).as("an event never PATCHes").isEmpty();
        assertThat(harness.queued).isEmpty();
        Invariants.noSecretIn("the answer", response.toString());
        Invariants.noSecretIn(outcomes);
    }

    @Property(tries = 500)
    void phalaEventFieldsNeverAddLinesToTheOutcomeEmail(@ForAll("phalaEventsWithLineBreaks") String body) {
        Harness harness = Harness.chatOps();
        JsonNode response = harness.invoke(phalaEvent(body, 0, HeaderCase.AS_IS, false, Harness.PHALA_SECRET));
        assertThat(response.get("statusCode").intValue()).isIn(200, 400);
        List<Outcome> outcomes = harness.outcomes.published();
        Statistics.label("outcomes").collect(outcomes.size());
        outcomes.forEach(Invariants::emailHasNoInjectedLines);
        for (Outcome o : outcomes) {
            assertThat(harness.replies).allSatisfy(r -> assertThat(r.text()).doesNotContain("\n"));
            assertThat(o.facts().cvmId() == null || Invariants.validCvmId(o.facts().cvmId()))
                    .as("cvm_id in an outcome is null or valid: %s", o.facts().cvmId()).isTrue();
        }
    }

    @Property(tries = 1500)
    void badlySignedRequestsGet401AndNothingIsSentQueuedOrPublished(@ForAll("badlySigned") BadCase c) {
        Harness harness = Harness.chatOps();
        JsonNode response = harness.invoke(c.event());
        Statistics.label("route").collect(c.route());
        Statistics.label("fault").collect(c.fault());
        assertThat(response.get("statusCode").intValue()).as("%s on %s", c.fault(), c.route()).isEqualTo(401);
        assertThat(response.get("body").textValue()).as("no detail for the caller").isEqualTo(UNAUTHORIZED);
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.queued).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(harness.replies).isEmpty();
        assertThat(harness.threads).isEmpty();
    }

    // ---- cases -------------------------------------------------------------------------------------

    /** How header names are written: API Gateway's HTTP API lower-cases them, REST keeps the sender's. */
    enum HeaderCase {
        AS_IS, LOWER, UPPER, ALTERNATING;

        String apply(String name) {
            return switch (this) {
                case AS_IS -> name;
                case LOWER -> name.toLowerCase(Locale.ROOT);
                case UPPER -> name.toUpperCase(Locale.ROOT);
                case ALTERNATING -> {
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < name.length(); i++) {
                        char ch = name.charAt(i);
                        b.append(i % 2 == 0 ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
                    }
                    yield b.toString();
                }
            };
        }
    }

    record SlackCase(String body, String team, String channel, String user, String secret, int skew,
                     HeaderCase headerCase, boolean base64) {}

    record HookCase(String body, String timestamp, String delivery, HeaderCase headerCase, boolean base64) {}

    record BadCase(String route, String fault, String event) {
        @Override
        public String toString() {
            return route + " / " + fault + ": " + event;
        }
    }

    // ---- generators --------------------------------------------------------------------------------

    @Provide
    Arbitrary<Integer> skews() {
        return Arbitraries.integers().between(-300, 300);
    }

    @Provide
    Arbitrary<HeaderCase> headerCases() {
        return Arbitraries.of(HeaderCase.class);
    }

    @Provide
    Arbitrary<SlackCase> slackCommands() {
        Arbitrary<String> cvm = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("cvm_web01", "cvm_api", "db_main", "cvm_<!channel>", "<!here>", "<@U0BOSS>",
                        "cvm_*bold*", "cvm_`x`", "cvm_ünï", "cvm_😀")),
                Tuple.of(2, BadInputProperties.cvmIds()),
                Tuple.of(1, nasty()));
        Arbitrary<String> hash = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Fixtures.HASH)),
                Tuple.of(2, BadInputProperties.hex()), Tuple.of(1, nasty()));
        Arbitrary<String> command = Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(Arbitraries.of("update", "UPDATE", " update", "update\u00a0"), cvm, hash,
                        Arbitraries.of("", " update-env", " force", "\nupdate-env", "  update-env  ", " update-env extra"))
                        .as((verb, c, h, tail) -> verb + " " + c + " " + h + tail)),
                Tuple.of(3, Arbitraries.of("update cvm_web01 " + Fixtures.HASH, "update cvm_api 0x" + Fixtures.HASH + " update-env")),
                Tuple.of(1, Arbitraries.of("help", "", "HELP", "update", "update cvm_web01", "<!channel> deploy now")),
                Tuple.of(2, nasty()));
        Arbitrary<String> teams = Arbitraries.of("T0001", "T0001", "T0002", "", "t0001");
        Arbitrary<String> channels = Arbitraries.of("C0001", "C0001", "C0OTHER", "", "C0001\n");
        Arbitrary<String> users = Arbitraries.of("U0001", "U0BOSS", "U0OTHER", "", "<@U0BOSS>");
        Arbitrary<String> replyUrls = Arbitraries.of("https://hooks.slack.com/commands/T0001/1/abc", "",
                "https://evil.example/steal", "javascript:alert(1)");
        Arbitrary<String> junk = Arbitraries.of("", "&%zz=%", "&=x", "&&&", "&text", "&user_name=%E0%A4%A",
                "&text=second%20thing", "&response_url=%ZZ");
        Arbitrary<SlackCase> forms = Combinators.combine(command, teams, channels, users, replyUrls, junk,
                        Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((text, team, channel, user, url, extra, encodeText, junkFirst) -> {
                    String t = encodeText ? URLEncoder.encode(text, StandardCharsets.UTF_8) : text;
                    String form = (junkFirst ? extra + "&" : "") + "token=x&team_id=" + enc(team) + "&team_domain=acme"
                            + "&channel_id=" + enc(channel) + "&user_id=" + enc(user) + "&user_name=ada"
                            + "&command=%2Fcompose&text=" + t + "&response_url=" + enc(url) + "&trigger_id=1.2.3"
                            + (junkFirst ? "" : extra);
                    return new SlackCase(form, team, channel, user, null, 0, null, false);
                });
        Arbitrary<SlackCase> raw = Arbitraries.oneOf(nasty(), Arbitraries.strings().all().ofMaxLength(200))
                .map(body -> new SlackCase(body, "", "", "", null, 0, null, false));
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(8, forms), Tuple.of(2, raw)),
                        Arbitraries.of(Harness.SLACK_SECRET, "slack-previous-secret"), skews(), headerCases(),
                        Arbitraries.of(true, false))
                .as((f, secret, skew, headerCase, base64) ->
                        new SlackCase(f.body(), f.team(), f.channel(), f.user(), secret, skew, headerCase, base64));
    }

    @Provide
    Arbitrary<HookCase> hookRequests() {
        Arbitrary<String> timestamps = Arbitraries.of("absent", "now", "within 300 s", "stale", "as text", "fraction",
                "null", "negative", "huge");
        Arbitrary<Integer> skew = Arbitraries.integers().between(-300, 300);
        Arbitrary<Integer> staleBy = Arbitraries.integers().between(301, 10_000_000);
        Arbitrary<HookCase> objects = Combinators.combine(BadInputProperties.bodyObjects(true), timestamps, skew, staleBy,
                        Arbitraries.of(true, false))
                .as((body, ts, within, stale, earlier) -> {
                    switch (ts) {
                        case "now" -> body.put("timestamp", NOW);
                        case "within 300 s" -> body.put("timestamp", NOW + within);
                        case "stale" -> body.put("timestamp", earlier ? NOW - stale : NOW + stale);
                        case "as text" -> body.put("timestamp", String.valueOf(NOW));
                        case "fraction" -> body.set("timestamp", TestJson.numberNode(NOW + 0.5));
                        case "null" -> body.putNull("timestamp");
                        case "negative" -> body.put("timestamp", -NOW);
                        case "huge" -> body.set("timestamp", TestJson.numberNode(1e30));
                        default -> { }
                    }
                    return new HookCase(TestJson.write(body), ts, null, null, false);
                });
        Arbitrary<HookCase> others = Arbitraries.oneOf(BadInputProperties.jsonValues(2).map(TestJson::write), nasty(),
                        Arbitraries.strings().all().ofMaxLength(50))
                .map(body -> new HookCase(body, "not an object", null, null, false));
        Arbitrary<String> deliveries = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just((String) null)),
                Tuple.of(2, Arbitraries.strings().alpha().numeric().withChars("-").ofMinLength(1).ofMaxLength(40)),
                Tuple.of(1, nasty()));
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(8, objects), Tuple.of(2, others)), deliveries,
                        headerCases(), Arbitraries.of(true, false))
                .as((h, delivery, headerCase, base64) -> new HookCase(h.body(), h.timestamp(), delivery, headerCase, base64));
    }

    @Provide
    Arbitrary<String> phalaEvents() {
        Arbitrary<String> cvm = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("cvm_web01", "cvm_ykL5lbAn")),
                Tuple.of(2, BadInputProperties.cvmIds()), Tuple.of(1, nasty()));
        return envelopes(cvm, Arbitraries.oneOf(Arbitraries.just((String) null), nasty(),
                Arbitraries.of("container exited with code 1", "OOMKilled")));
    }

    @Provide
    Arbitrary<String> phalaEventsWithLineBreaks() {
        Arbitrary<String> breaks = Arbitraries.of("\n", "\r\n", "\r", "\u2028", "\u0085", "\nStatus: completed\n",
                "\r\nError: none");
        Arbitrary<String> cvm = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of("cvm_web01")),
                Tuple.of(3, Combinators.combine(Arbitraries.of("cvm_web01", "", "x"), breaks, Arbitraries.of("", "cvm_a"))
                        .as((a, nl, b) -> a + nl + b)));
        Arbitrary<String> error = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((String) null)),
                Tuple.of(3, Combinators.combine(Arbitraries.of("exited", ""), breaks, Arbitraries.of("", "code 1"))
                        .as((a, nl, b) -> a + nl + b)));
        Arbitrary<String> event = Arbitraries.of("cvm.updated", "cvm.restarted", "cvm.create_failed", "cvm.stopped");
        return Combinators.combine(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12), event, cvm, error)
                .as((id, type, c, err) -> {
                    ObjectNode envelope = TestJson.object();
                    envelope.put("id", "evt_" + id);
                    envelope.put("event", type);
                    envelope.put("version", "1");
                    ObjectNode data = envelope.putObject("data");
                    data.put("cvm_id", c);
                    if (err != null) {
                        data.put("error", err);
                    }
                    return TestJson.write(envelope);
                });
    }

    private static Arbitrary<String> envelopes(Arbitrary<String> cvm, Arbitrary<String> error) {
        Arbitrary<String> ids = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20).map(s -> "evt_" + s)),
                Tuple.of(1, Arbitraries.of("", " ")), Tuple.of(1, nasty()));
        Arbitrary<String> events = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("cvm.updated", "cvm.restarted", "cvm.create_failed", "cvm.stopped",
                        "cvm.update.pending_approval")),
                Tuple.of(1, Arbitraries.of("", "CVM.UPDATED", "cvm.updated ", "cvm.*")), Tuple.of(1, nasty()));
        Arbitrary<String> shapes = Arbitraries.of("well formed", "well formed", "well formed", "data not an object",
                "cvm_id a number", "id a number", "no id", "event an object", "not JSON", "any JSON");
        return Combinators.combine(ids, events, cvm, error, shapes, BadInputProperties.jsonValues(2),
                        Arbitraries.strings().all().ofMaxLength(60))
                .as((id, event, c, err, shape, anyJson, anyText) -> {
                    if (shape.equals("not JSON")) {
                        return anyText;
                    }
                    if (shape.equals("any JSON")) {
                        return TestJson.write(anyJson);
                    }
                    ObjectNode envelope = TestJson.object();
                    if (shape.equals("id a number")) {
                        envelope.put("id", 12345);
                    } else if (!shape.equals("no id")) {
                        envelope.put("id", id);
                    }
                    if (shape.equals("event an object")) {
                        envelope.putObject("event").put("name", event);
                    } else {
                        envelope.put("event", event);
                    }
                    envelope.put("version", "1");
                    envelope.put("created_at", "2026-11-25T12:00:00Z");
                    envelope.putObject("workspace").put("id", "ws_1").put("name", "acme");
                    if (shape.equals("data not an object")) {
                        envelope.putArray("data").add(c);
                        return TestJson.write(envelope);
                    }
                    ObjectNode data = envelope.putObject("data");
                    if (shape.equals("cvm_id a number")) {
                        data.put("cvm_id", 42);
                    } else {
                        data.put("cvm_id", c);
                    }
                    data.put("cvm_name", "web").put("app_id", "app_1").put("status", "running");
                    if (err != null) {
                        data.put("error", err);
                    }
                    return TestJson.write(envelope);
                });
    }

    @Provide
    Arbitrary<BadCase> badlySigned() {
        List<String> faults = List.of("no signature", "no timestamp", "wrong secret", "another route's secret",
                "stale timestamp", "tampered body", "signed another timestamp", "wrong scheme prefix", "upper-case hex",
                "truncated signature", "empty signature", "junk timestamp", "base64 text signed as sent");
        Set<String> timestampFaults = Set.of("no timestamp", "stale timestamp", "signed another timestamp", "junk timestamp");
        List<Tuple.Tuple2<String, String>> pairs = new java.util.ArrayList<>();
        for (String route : List.of("slack", "hook", "phala")) {
            faults.stream().filter(f -> !route.equals("hook") || !timestampFaults.contains(f)).forEach(f -> pairs.add(Tuple.of(route, f)));
        }
        Arbitrary<Tuple.Tuple2<String, String>> routeAndFault = Arbitraries.of(pairs);
        Arbitrary<Integer> staleBy = Arbitraries.integers().between(301, 100_000_000);
        Arbitrary<String> junkTs = Arbitraries.of("", " ", "abc", "1e9", "-5", "+" + NOW, " " + NOW, NOW + " ",
                NOW + ".0", "0x1", "9999999999999", String.valueOf(NOW).replace('1', 'l'));
        return Combinators.combine(routeAndFault, staleBy, junkTs, Arbitraries.of(true, false), headerCases(), nasty(),
                        Arbitraries.of(true, false))
                .as((rf, stale, junk, earlier, hc, extra, base64) -> new BadCase(rf.get1(), rf.get2(),
                        badEvent(rf.get1(), rf.get2(), earlier ? -stale : stale, junk, hc, extra, base64)));
    }

    // ---- building requests -------------------------------------------------------------------------

    private static String phalaEvent(String body, int skew, HeaderCase hc, boolean base64, String secret) {
        String ts = String.valueOf(NOW + skew);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(hc.apply("Content-Type"), "application/json");
        headers.put(hc.apply("X-Webhook-Id"), "wh_1");
        headers.put(hc.apply("X-Webhook-Timestamp"), ts);
        headers.put(hc.apply("X-Webhook-Signature"),
                PhalaWebhookSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8)));
        return Harness.post("/phala/events", headers, body, base64);
    }

    /** A request that would be relayed if it were signed right, signed wrong in the way {@code fault} says. */
    private static String badEvent(String route, String fault, int stale, String junkTs, HeaderCase hc, String extra,
                                   boolean base64) {
        String body = switch (route) {
            case "slack" -> "token=x&team_id=T0001&channel_id=C0001&user_id=U0001&command=%2Fcompose&text="
                    + URLEncoder.encode("update cvm_web01 " + Fixtures.HASH, StandardCharsets.UTF_8)
                    + "&response_url=" + enc("https://hooks.slack.com/commands/T0001/1/abc");
            case "hook" -> "{\"cvm_id\":\"cvm_web01\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":" + NOW + "}";
            default -> "{\"id\":\"evt_1\",\"event\":\"cvm.updated\",\"version\":\"1\",\"data\":{\"cvm_id\":\"cvm_web01\"}}";
        };
        String secret = switch (route) {
            case "slack" -> Harness.SLACK_SECRET;
            case "hook" -> Harness.HOOK_SECRET;
            default -> Harness.PHALA_SECRET;
        };
        String ts = String.valueOf(NOW);
        String signedTs = ts;
        String signedBody = body;
        String sentBody = body;
        String signingSecret = secret;
        boolean sentBase64 = base64;
        switch (fault) {
            case "wrong secret" -> signingSecret = secret + "x";
            case "another route's secret" -> signingSecret = route.equals("hook") ? Harness.SLACK_SECRET : Harness.HOOK_SECRET;
            case "stale timestamp" -> {
                ts = String.valueOf(NOW + stale);
                signedTs = ts;
            }
            case "tampered body" -> sentBody = body + (extra.isEmpty() ? " " : extra);
            case "signed another timestamp" -> signedTs = String.valueOf(NOW - 1);
            case "junk timestamp" -> {
                ts = junkTs;
                signedTs = junkTs;
            }
            case "base64 text signed as sent" -> {
                // The sender signed the base64 text but flagged it decoded: the relay checks the decoded bytes.
                sentBody = java.util.Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
                signedBody = sentBody;
                sentBase64 = true;
            }
            default -> { }
        }
        byte[] signedBytes = signedBody.getBytes(StandardCharsets.UTF_8);
        String signature = switch (route) {
            case "slack" -> SlackSignature.sign(signingSecret, signedTs, signedBytes);
            case "hook" -> HubSignature.sign(signingSecret, signedBytes);
            default -> PhalaWebhookSignature.sign(signingSecret, signedTs, signedBytes);
        };
        signature = switch (fault) {
            case "wrong scheme prefix" -> (route.equals("slack") ? "v1=" : "sha1=") + signature.substring(signature.indexOf('=') + 1);
            case "upper-case hex" -> signature.substring(0, signature.indexOf('=') + 1)
                    + signature.substring(signature.indexOf('=') + 1).toUpperCase(Locale.ROOT);
            case "truncated signature" -> signature.substring(0, signature.length() - 1);
            case "empty signature" -> "";
            default -> signature;
        };
        String path = switch (route) {
            case "slack" -> "/slack/command";
            case "hook" -> "/hooks/compose-update";
            default -> "/phala/events";
        };
        String sigHeader = switch (route) {
            case "slack" -> "X-Slack-Signature";
            case "hook" -> "X-Hub-Signature-256";
            default -> "X-Webhook-Signature";
        };
        String tsHeader = route.equals("slack") ? "X-Slack-Request-Timestamp" : "X-Webhook-Timestamp";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(hc.apply("Content-Type"), route.equals("slack") ? "application/x-www-form-urlencoded" : "application/json");
        if (!fault.equals("no signature")) {
            headers.put(hc.apply(sigHeader), signature);
        }
        if (!route.equals("hook") && !fault.equals("no timestamp")) {
            headers.put(hc.apply(tsHeader), ts);
        }
        if (fault.equals("base64 text signed as sent")) {
            return Harness.post(path, headers, body, true);
        }
        return Harness.post(path, headers, sentBody, sentBase64);
    }

    /** Strings that break naive code: markup, line breaks, controls, bidi, surrogates, escapes, huge. */
    static Arbitrary<String> nasty() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("<!channel>", "<!here|here>", "<@U0BOSS>", "*bold* _it_ ~x~ `code`",
                        "line1\nline2", "\r\nStatus: accepted", "a\u0000b", "\u202eevil", "\ud800", "\udc00x", "u\u0308",
                        "😀", "%00", "%0A", "&text=update", "=&=", "+++", "../../admin", "cvm_a/../b", "\t", "\u2028",
                        "\\u0000", "{\"a\":", "null")),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withChars("a\u00e9\u4e2d\n<>&%\"\\ ").ofMinLength(2_000).ofMaxLength(20_000)));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String firstWord(String text) {
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }
}
