package com.composerelay.properties;

import com.composerelay.support.Harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.log.Log;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.HttpPhalaHarness;
import com.composerelay.support.MutableClock;
import com.composerelay.support.ScriptedHttpPhala;
import com.composerelay.support.ScriptedHttpPhala.Refused;
import com.composerelay.support.ScriptedHttpPhala.Reply;
import com.composerelay.support.ScriptedHttpPhala.Reset;
import com.composerelay.support.ScriptedHttpPhala.Sent;
import com.composerelay.support.ScriptedHttpPhala.Step;
import com.composerelay.support.ScriptedHttpPhala.TimesOut;
import com.composerelay.support.TestJson;
import com.composerelay.webhook.HubSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 * A Phala that misbehaves, generated: statuses 100-599, {@code detail} in its three shapes and
 * garbage, {@code Retry-After} as seconds, HTTP dates or junk, answers that echo the API key,
 * slow answers, time-outs, refused and reset connections. The answers go through the relay's own
 * {@code HttpPhalaApi} (a scripted {@code java.net.http} client stands in for the network), so
 * what Phala says is read exactly as in production.
 */
class MisbehavingPhalaProperties extends SecretFreeLog {
    private static final String KEY = Fixtures.API_KEY;
    private static final int MAX_ATTEMPTS = HttpPhalaHarness.CONFIG.maxAttempts();
    private static final int MAX_RECEIVE_COUNT = HttpPhalaHarness.CONFIG.maxReceiveCount();
    private static final Set<Integer> RETRYABLE = Set.of(409, 429, 500, 502, 503, 504);

    // ---- properties --------------------------------------------------------------------------------

    @Property(tries = 1000)
    void theOutcomeFollowsPhalasFinalAnswer(@ForAll("scripts") List<Step> script) {
        HttpPhalaHarness harness = new HttpPhalaHarness();
        harness.http.script("cvm_p1", script);
        JsonNode response = harness.invoke(Events.httpApi("cvm_p1", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}"), 30_000)
                .response();

        assertThat(harness.outcomes.published()).as("exactly one outcome").hasSize(1);
        Outcome outcome = harness.outcomes.published().getFirst();
        List<Sent> sent = harness.http.sent();
        assertThat(outcome.facts().attempts()).as("attempts counts every PATCH sent").isEqualTo(sent.size());
        assertConsistent(outcome, sent);
        assertThat(response.get("statusCode").intValue()).as("the caller's status for %s", outcome)
                .isEqualTo(expectedHttpStatus(outcome));
        for (Sent s : sent) {
            assertThat(s.request().uri().getRawPath()).isEqualTo("/api/v1/cvms/cvm_p1/compose_file");
            assertThat(s.request().headers().firstValue("X-API-Key")).contains(KEY);
        }
        Statistics.label("outcome").collect(outcome.status() + " " + reason(outcome));
        Statistics.label("attempts").collect(sent.size());
        Invariants.noSecretIn("the answer", response.toString());
        Invariants.noSecretIn(harness.outcomes.published());
    }

    @Property(tries = 1000)
    void theRelayNeverRunsPastTheDeadlineNorMakesMoreThanMaxAttempts(@ForAll("stormyScripts") List<Step> script,
                                                                      @ForAll("remainingMillis") int remaining) {
        HttpPhalaHarness harness = new HttpPhalaHarness();
        harness.http.script("cvm_p2", script);
        String body = Harness.hookBody("cvm_p2", harness.clock.instant().getEpochSecond());
        String event = Harness.post("/hooks/compose-update", Map.of("X-Hub-Signature-256",
                HubSignature.sign(Harness.HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8))), body, false);
        HttpPhalaHarness.Invoked invoked = harness.invoke(event, remaining);

        assertThat(harness.outcomes.published()).as("exactly one outcome").hasSize(1);
        Outcome outcome = harness.outcomes.published().getFirst();
        Statistics.label("outcome").collect(outcome.status() + " " + reason(outcome));
        Statistics.label("time left on arrival").collect(remaining < 2_000 ? "< 2 s" : remaining < 15_000 ? "2-15 s" : ">= 15 s");
        assertThat(invoked.finishedAt()).as("the clock when the relay answered (%s)", outcome)
                .isBeforeOrEqualTo(invoked.deadline());
        assertThat(outcome.facts().finishedAt()).isBeforeOrEqualTo(invoked.deadline());
        // A 401 earns one attempt more with the key read anew (a rotation), whatever the attempts left.
        int keyRefresh = harness.http.sent().size() > 1 && refusedTheKey(script, harness.http.sent().size() - 1) ? 1 : 0;
        assertThat(harness.http.sent()).as("PATCHes sent, at most PHALA_MAX_ATTEMPTS (%s) and one after a 401: %s",
                MAX_ATTEMPTS, outcome).hasSizeLessThanOrEqualTo(MAX_ATTEMPTS + keyRefresh);
        assertThat(outcome.facts().attempts()).isEqualTo(harness.http.sent().size());
        assertConsistent(outcome, harness.http.sent());
    }

    /** Whether one of the first {@code before} answers of the script was a 401. */
    private static boolean refusedTheKey(List<Step> script, int before) {
        return script.stream().limit(before).anyMatch(step -> step instanceof ScriptedHttpPhala.Reply r && r.status() == 401);
    }

    @Property(tries = 1000)
    void aPhalaThatEchoesTheKeyNeverMakesItLeak(@ForAll("echoingScripts") Echoing echoing) {
        HttpPhalaHarness harness = new HttpPhalaHarness();
        harness.http.script("cvm_p3", echoing.script());
        Statistics.label("echoed in").collect(echoing.echo());
        JsonNode response = harness.invoke(Events.httpApi("cvm_p3", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}"), 30_000)
                .response();
        assertThat(harness.outcomes.published()).hasSize(1);
        Statistics.label("outcome").collect(harness.outcomes.published().getFirst().status());
        Invariants.noSecretIn("the answer", response.toString());
        Invariants.noSecretIn(harness.outcomes.published());
        harness.replies.forEach(r -> Invariants.noSecretIn("a chat reply", r.text()));
    }

    @Property(tries = 1000)
    void everySqsMessageGetsOneOutcomeOrGoesBackWhatEverPhalaDoes(@ForAll("sqsBatches") List<Message> batch) {
        HttpPhalaHarness harness = new HttpPhalaHarness();
        batch.forEach(m -> harness.http.script(m.cvmId(), m.script()));
        JsonNode response = harness.invoke(sqsEvent(batch), 900_000).response();

        Set<String> failures = new HashSet<>();
        response.get("batchItemFailures").forEach(f -> failures.add(f.get("itemIdentifier").textValue()));
        List<Outcome> outcomes = harness.outcomes.published();
        assertThat(outcomes).as("no outcome without a message").hasSizeLessThanOrEqualTo(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            List<Outcome> own = outcomes.stream().filter(o -> m.id().equals(o.facts().requestId())).toList();
            boolean back = failures.contains(m.id());
            assertThat(own).as("at most one outcome for %s", m.id()).hasSizeLessThanOrEqualTo(1);
            if (own.isEmpty()) {
                assertThat(back).as("%s has no outcome, so it must go back to the queue", m.id()).isTrue();
                assertThat(m.receiveCount() < MAX_RECEIVE_COUNT || heldBehind(batch, i, failures))
                        .as("%s went back without an outcome on its last delivery", m.id()).isTrue();
                Statistics.label("message").collect("back, no outcome");
                continue;
            }
            Outcome o = own.getFirst();
            Statistics.label("message").collect(o.status() + (back ? ", back" : ""));
            if (o.status().equals("failed")) {
                assertThat(m.receiveCount()).as("failed is published only on the last delivery").isGreaterThanOrEqualTo(MAX_RECEIVE_COUNT);
                assertThat(back).as("a failed message goes back (to the DLQ)").isTrue();
            } else {
                assertThat(back).as("a decided message is deleted").isFalse();
            }
            if (m.valid()) {
                assertConsistent(o, harness.http.sentFor(m.cvmId()));
            } else {
                assertThat(o.status()).isEqualTo("rejected");
                assertThat(harness.http.sentFor(m.cvmId())).as("no PATCH for an invalid message").isEmpty();
            }
        }
        Invariants.noSecretIn("the answer", response.toString());
        Invariants.noSecretIn(outcomes);
    }

    @Property(tries = 300)
    void anSqsRecordWithoutMessageIdNeverLosesTheOthersOfItsGroup(@ForAll("sqsBatches") List<Message> batch,
                                                                    @ForAll("indices") int withoutId,
                                                                    @ForAll("transientScripts") List<Step> failing) {
        HttpPhalaHarness harness = new HttpPhalaHarness();
        batch.forEach(m -> harness.http.script(m.cvmId(), m.script()));
        int gone = withoutId % batch.size();
        // The record without an id fails for now (Phala keeps failing), so it must be reported somehow.
        harness.http.script(batch.get(gone).cvmId(), failing);
        Statistics.label("others in its FIFO group after it").collect(batch.get(gone).group() == null ? 0
                : batch.subList(gone + 1, batch.size()).stream().filter(m -> batch.get(gone).group().equals(m.group())).count());
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ObjectNode r = record(batch.get(i));
            if (i == gone) {
                r.remove("messageId");
            }
            records.add(r);
        }
        JsonNode response = harness.invoke(Events.sqs(records.toArray(ObjectNode[]::new)), 900_000).response();

        Set<String> failures = new HashSet<>();
        response.get("batchItemFailures").forEach(f -> failures.add(f.get("itemIdentifier").asText("")));
        for (int i = 0; i < batch.size(); i++) {
            if (i == gone) {
                continue;
            }
            Message m = batch.get(i);
            long own = harness.outcomes.published().stream().filter(o -> m.id().equals(o.facts().requestId())).count();
            assertThat(own == 1 || failures.contains(m.id()))
                    .as("%s (group %s) has an outcome or goes back; the record without id was #%s", m.id(), m.group(), gone)
                    .isTrue();
        }
    }

    @Property(tries = 200)
    void aReceiveCountBeyondIntStillCountsAsTheLastDelivery(@ForAll("transientScripts") List<Step> script,
                                                           @ForAll("lastReceiveCounts") String receiveCount) {
        HttpPhalaHarness harness = new HttpPhalaHarness();
        harness.http.script("cvm_p6", script);
        ObjectNode record = Events.sqsRecord("m-last", Events.updateBody("cvm_p6"), 1);
        ((ObjectNode) record.get("attributes")).put("ApproximateReceiveCount", receiveCount);
        JsonNode response = harness.invoke(Events.sqs(record), 30_000).response();

        Statistics.label("ApproximateReceiveCount").collect(receiveCount.length() > 9 ? "beyond int" : receiveCount);
        assertThat(response.get("batchItemFailures")).as("it goes back, to the DLQ").hasSize(1);
        assertThat(harness.outcomes.published()).as("the last delivery (count %s) publishes its failure", receiveCount)
                .singleElement().satisfies(o -> assertThat(o.status()).isEqualTo("failed"));
    }

    // ---- checks ------------------------------------------------------------------------------------

    /** What a step came to, given the timeout the relay gave that attempt. */
    enum Kind { SUCCESS, KEY_REFUSED, TRANSIENT, FINAL }

    private static Kind kind(Sent sent) {
        Duration timeout = sent.request().timeout().orElseThrow();
        return switch (sent.step()) {
            case Reply r when r.takes().compareTo(timeout) > 0 -> Kind.TRANSIENT;
            case Reply r when r.status() >= 200 && r.status() < 300 -> Kind.SUCCESS;
            case Reply r when r.status() == 401 -> Kind.KEY_REFUSED;
            case Reply r when RETRYABLE.contains(r.status()) -> Kind.TRANSIENT;
            case Reply r -> Kind.FINAL;
            case TimesOut t -> Kind.TRANSIENT;
            case Refused f -> Kind.TRANSIENT;
            case Reset x -> Kind.TRANSIENT;
        };
    }

    /**
     * The outcome is what the last answer says (2xx accepted; a final 4xx or other status rejected;
     * transient, or 401 to the key read anew, failed), and every earlier answer was one worth another
     * attempt (transient, or the first 401).
     */
    private static void assertConsistent(Outcome outcome, List<Sent> sent) {
        if (sent.isEmpty()) {
            assertThat(outcome.status()).as("nothing sent").isEqualTo("failed");
            assertThat(((Outcome.Failed) outcome).reason()).isIn(Outcome.Failure.NO_TIME_LEFT);
            return;
        }
        int refusals = 0;
        for (int i = 0; i < sent.size() - 1; i++) {
            Kind k = kind(sent.get(i));
            if (k == Kind.KEY_REFUSED) {
                refusals++;
            }
            assertThat(k == Kind.TRANSIENT || (k == Kind.KEY_REFUSED && refusals == 1))
                    .as("answer %s (%s) was followed by another attempt", i + 1, sent.get(i).step()).isTrue();
        }
        Sent last = sent.getLast();
        Kind k = kind(last);
        String expected = switch (k) {
            case SUCCESS -> "accepted";
            case FINAL -> "rejected";
            case TRANSIENT -> "failed";
            case KEY_REFUSED -> refusals == 0 ? "failed (key refused, then no attempt left)" : "failed";
        };
        assertThat(outcome.status()).as("outcome after the last answer %s", last.step())
                .isEqualTo(expected.startsWith("failed") ? "failed" : expected);
        if (last.step() instanceof Reply r && k != Kind.TRANSIENT) {
            assertThat(outcome.facts().httpStatus()).isEqualTo(r.status());
        }
        if (outcome instanceof Outcome.Rejected rejected) {
            int status = ((Reply) last.step()).status();
            assertThat(rejected.reason()).isEqualTo(status >= 400 && status < 500
                    ? Outcome.Rejection.PHALA_REFUSED : Outcome.Rejection.PHALA_UNEXPECTED);
        }
    }

    private static int expectedHttpStatus(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Accepted a -> 202;
            case Outcome.Rejected r -> r.reason() == Outcome.Rejection.PHALA_REFUSED ? r.facts().httpStatus() : 502;
            case Outcome.Failed f -> switch (f.reason()) {
                case PHALA_TIMEOUT, NO_TIME_LEFT -> 504;
                case PHALA_UNAVAILABLE -> Integer.valueOf(503).equals(f.facts().httpStatus()) ? 503 : 502;
                default -> 502;
            };
            case Outcome.Completed c -> throw new AssertionError("a PATCH never completes: " + c);
        };
    }

    private static String reason(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Rejected r -> r.reason().name();
            case Outcome.Failed f -> f.reason().name();
            default -> "";
        };
    }

    /** An earlier message of the same FIFO group went back, so this one waits behind it. */
    private static boolean heldBehind(List<Message> batch, int index, Set<String> failures) {
        String group = batch.get(index).group();
        if (group == null) {
            return false;
        }
        for (int i = 0; i < index; i++) {
            if (group.equals(batch.get(i).group()) && failures.contains(batch.get(i).id())) {
                return true;
            }
        }
        return false;
    }

    // ---- generators --------------------------------------------------------------------------------

    /** One SQS message: its id, FIFO group (or none), receive count, cvm and Phala's script for it. */
    record Message(String id, String group, int receiveCount, String cvmId, boolean valid, List<Step> script) {}

    @Provide
    Arbitrary<List<Step>> scripts() {
        return steps(Echo.NONE).list().ofMinSize(1).ofMaxSize(6);
    }

    /** Mostly transient answers with some 401s: scripts that use up attempts and time. */
    @Provide
    Arbitrary<List<Step>> stormyScripts() {
        return steps(Echo.NONE, 2, 12, 2, 4).list().ofMinSize(1).ofMaxSize(7);
    }

    @Provide
    Arbitrary<Echoing> echoingScripts() {
        return Arbitraries.of(Echo.class).filter(e -> e != Echo.NONE).flatMap(this::echoing);
    }

    /** A script in which one answer echoes the key, and where it does. */
    record Echoing(Echo echo, List<Step> script) {}

    private Arbitrary<Echoing> echoing(Echo echo) {
        return Combinators.combine(steps(Echo.NONE).list().ofMaxSize(3), steps(echo), steps(Echo.NONE).list().ofMaxSize(2))
                .as((before, echoed, after) -> {
                    List<Step> all = new ArrayList<>(before);
                    all.add(echoed);
                    all.addAll(after);
                    return new Echoing(echo, all);
                });
    }

    @Provide
    Arbitrary<List<Step>> transientScripts() {
        Arbitrary<Step> transients = Arbitraries.oneOf(
                Arbitraries.of(503, 502, 429).map(s -> (Step) new Reply(s, Map.of(), "{\"detail\":\"busy\"}", Duration.ZERO)),
                Arbitraries.just(new TimesOut()), Arbitraries.just(new Refused()), Arbitraries.just(new Reset()));
        return transients.list().ofSize(MAX_ATTEMPTS + 2);
    }

    @Provide
    Arbitrary<String> lastReceiveCounts() {
        return Arbitraries.of(String.valueOf(MAX_RECEIVE_COUNT), String.valueOf(MAX_RECEIVE_COUNT + 1), "2147483647",
                "2147483648", "4294967296", "99999999999", "9223372036854775807", "9223372036854775808");
    }

    @Provide
    Arbitrary<Integer> remainingMillis() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(0, 2_000)),
                Tuple.of(6, Arbitraries.integers().between(2_000, 40_000)));
    }

    @Provide
    Arbitrary<Integer> indices() {
        return Arbitraries.integers().between(0, 9);
    }

    @Provide
    Arbitrary<List<Message>> sqsBatches() {
        Arbitrary<Message> message = Combinators.combine(Arbitraries.of("none", "none", "g1", "g2"),
                        Arbitraries.integers().between(1, MAX_RECEIVE_COUNT + 1), Arbitraries.of(true, true, true, true, true, true, true, true, true, false),
                        steps(Echo.NONE).list().ofMinSize(1).ofMaxSize(5))
                .as((group, count, valid, script) -> new Message(null, group.equals("none") ? null : group, count, null,
                        valid, script));
        return message.list().ofMinSize(1).ofMaxSize(6).map(list -> {
            List<Message> numbered = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Message m = list.get(i);
                numbered.add(new Message("m" + i, m.group(), m.receiveCount(), "cvm_m" + i, m.valid(), m.script()));
            }
            return numbered;
        });
    }

    private static String sqsEvent(List<Message> batch) {
        return Events.sqs(batch.stream().map(MisbehavingPhalaProperties::record).toArray(ObjectNode[]::new));
    }

    private static ObjectNode record(Message m) {
        String body = m.valid() ? Events.updateBody(m.cvmId())
                : "{\"cvm_id\":\"" + m.cvmId() + "/../x\",\"compose_hash\":\"" + Fixtures.HASH + "\"}";
        return m.group() == null ? Events.sqsRecord(m.id(), body, m.receiveCount())
                : Events.fifoRecord(m.id(), m.group(), body, m.receiveCount());
    }

    /** Where an answer echoes the API key back. */
    enum Echo { NONE, REQUEST_ID_HEADER, LOCATION, DETAIL_STRING, DETAIL_LIST, DETAIL_OBJECT, BODY_REQUEST_ID,
        DETAIL_REQUEST_ID, PLAIN_TEXT_BODY, RETRY_AFTER }

    private static Arbitrary<Step> steps(Echo echo) {
        return steps(echo, 4, 7, 3, 2);
    }

    /** Answers, time-outs and broken connections, weighted: 2xx, transient, final, 401. */
    private static Arbitrary<Step> steps(Echo echo, int success, int transients, int finals, int keyRefused) {
        Arbitrary<Integer> statuses = Arbitraries.frequencyOf(
                Tuple.of(success, Arbitraries.of(202, 200, 204)),
                Tuple.of(transients, Arbitraries.of(409, 429, 500, 502, 503, 504)),
                Tuple.of(finals, Arbitraries.of(400, 403, 404, 422, 465, 466, 467, 468)),
                Tuple.of(keyRefused, Arbitraries.of(401)),
                Tuple.of(1, Arbitraries.of(301, 302, 307, 308)),
                Tuple.of(1, Arbitraries.integers().between(100, 599)));
        Arbitrary<Step> replies = Combinators.combine(statuses, requestIds(), retryAfters(), bodies(),
                        Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)),
                                Tuple.of(3, Arbitraries.integers().between(1, 9_999)),
                                Tuple.of(1, Arbitraries.integers().between(10_000, 20_000))),
                        Arbitraries.of("https://cloud-api.phala.com/api/v1/cvms/x/compose_file", "https://evil.example/steal",
                                "/relative"))
                .as((status, requestId, retryAfter, body, takes, location) -> {
                    Map<String, List<String>> headers = new LinkedHashMap<>();
                    headers.put("Content-Type", List.of("application/json"));
                    if (requestId != null) {
                        headers.put("X-Request-ID", List.of(requestId));
                    }
                    if (retryAfter != null) {
                        headers.put("Retry-After", List.of(retryAfter));
                    }
                    if (status >= 300 && status < 400) {
                        headers.put("Location", List.of(location));
                    }
                    return (Step) echo(new Reply(status, headers, body, Duration.ofMillis(takes)), echo);
                });
        if (echo != Echo.NONE) {
            return replies;
        }
        return Arbitraries.frequencyOf(Tuple.of(10, replies), Tuple.of(1, Arbitraries.just(new TimesOut())),
                Tuple.of(1, Arbitraries.just(new Refused())), Tuple.of(1, Arbitraries.just(new Reset())));
    }

    private static Reply echo(Reply reply, Echo echo) {
        Map<String, List<String>> headers = new LinkedHashMap<>(reply.headers());
        String body = reply.body();
        int status = reply.status();
        switch (echo) {
            case NONE -> { }
            case REQUEST_ID_HEADER -> headers.put("X-Request-ID", List.of("req-" + KEY));
            case LOCATION -> {
                status = 307;
                headers.put("Location", List.of("https://evil.example/collect?key=" + KEY));
            }
            case DETAIL_STRING -> body = "{\"detail\":\"invalid key " + KEY + "\"}";
            case DETAIL_LIST -> body = "{\"detail\":[{\"loc\":[\"header\",\"" + KEY + "\"],\"msg\":\"bad key " + KEY
                    + "\",\"type\":\"value_error\"}]}";
            case DETAIL_OBJECT -> body = "{\"detail\":{\"error_code\":\"ERR-03-005\",\"message\":\"" + KEY
                    + " may not\",\"request_id\":\"r1\",\"details\":[{\"field\":\"x-api-key\",\"value\":\"" + KEY + "\"}]}}";
            case BODY_REQUEST_ID -> {
                headers.remove("X-Request-ID");
                body = "{\"detail\":\"no\",\"request_id\":\"" + KEY + "\"}";
            }
            case DETAIL_REQUEST_ID -> {
                headers.remove("X-Request-ID");
                body = "{\"detail\":{\"error_code\":\"ERR-03-001\",\"message\":\"no\",\"request_id\":\"" + KEY + "\"}}";
            }
            case PLAIN_TEXT_BODY -> body = "upstream said: X-API-Key: " + KEY + "\n";
            case RETRY_AFTER -> headers.put("Retry-After", List.of(KEY));
        }
        if (echo != Echo.NONE && status < 300) {
            status = echo == Echo.REQUEST_ID_HEADER || echo == Echo.RETRY_AFTER ? status : 400;
        }
        return new Reply(status, headers, body, reply.takes());
    }

    private static Arbitrary<String> requestIds() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just((String) null)),
                Tuple.of(3, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20).map(s -> "req_" + s)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(30).withCharRange(' ', '~')));
    }

    private static Arbitrary<String> retryAfters() {
        DateTimeFormatter http = DateTimeFormatter.RFC_1123_DATE_TIME;
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just((String) null)),
                Tuple.of(3, Arbitraries.integers().between(0, 120).map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("99999999999999999999", "86400", "3600")),
                Tuple.of(2, Arbitraries.integers().between(-3_600, 3_600)
                        .map(s -> http.format(MutableClock.START.plusSeconds(s).atOffset(ZoneOffset.UTC)))),
                Tuple.of(2, Arbitraries.of("soon", "-1", "1.5", "", " ", "Wed, 31 Feb 2026 00:00:00 GMT", "0x10", "１")));
    }

    private static Arbitrary<String> bodies() {
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.of("provision not found", "CVM not found", "rate limited\nretry later", ""));
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("", "{}", "null", "[]", "<html>502 Bad Gateway</html>", "{\"detail\":",
                        "\u0000\u0001", "{\"detail\":null}", "{\"detail\":42}", "{\"detail\":[1,2]}")),
                Tuple.of(3, text.map(s -> TestJson.write(TestJson.object().put("detail", s)))),
                Tuple.of(2, text.map(s -> {
                    ObjectNode body = TestJson.object();
                    ObjectNode item = body.putArray("detail").addObject();
                    item.putArray("loc").add("body").add("compose_hash");
                    item.put("msg", s).put("type", "value_error");
                    return TestJson.write(body);
                })),
                Tuple.of(2, Combinators.combine(Arbitraries.of("ERR-03-001", "ERR-03-003", "ERR-03-005", "ERR-05-002"), text)
                        .as((code, s) -> {
                            ObjectNode body = TestJson.object();
                            ObjectNode detail = body.putObject("detail");
                            detail.put("error_code", code).put("message", s).put("request_id", "req_body");
                            detail.putArray("details").addObject().put("field", "compose_hash").put("value", "ab");
                            return TestJson.write(body);
                        })),
                Tuple.of(1, Arbitraries.strings().withChars("ab\u00e9\"\\\n").ofMinLength(500).ofMaxLength(5_000)
                        .map(s -> TestJson.write(TestJson.object().put("detail", s)))),
                Tuple.of(1, BadInputProperties.jsonValues(1).map(TestJson::write)));
    }
}
