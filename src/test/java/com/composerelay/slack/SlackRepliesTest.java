package com.composerelay.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutReports.Kind;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cards and notes posted to a response_url; one Slack has used up is posted to no more. */
class SlackRepliesTest {
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String base;
    private SlackReplies replies;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(exchange.getRequestURI().getPath() + " " + body);
            boolean used = exchange.getRequestURI().getPath().startsWith("/used");
            byte[] answer = (used ? "used_url" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(used ? 404 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        HttpClient http = HttpClient.newHttpClient();
        replies = new SlackReplies(() -> http, base);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void postsTheCardAndStopsOnceSlackSaysTheUrlIsUsedUp() {
        var report = new RolloutReports.Report(Kind.WAVE, RolloutCardTest.rollout("running", "healthy", "updating",
                "pending", null, null), 1);
        replies.card(base + "ok", report, true);
        replies.card(base + "used", report, true);
        replies.card(base + "used", report, true);

        assertThat(received).hasSize(2);
        assertThat(received.get(0)).startsWith("/ok {\"response_type\":\"in_channel\",\"replace_original\":true,");
        assertThat(received.get(1)).startsWith("/used ");
    }

    @Test
    void aNoteIsEphemeralAndNothingGoesOutsideThePrefix() {
        replies.note(base + "ok", "nothing was decided");
        replies.note("https://elsewhere.example/x", "nothing was decided");

        assertThat(received).containsExactly("/ok {\"response_type\":\"ephemeral\",\"replace_original\":false,"
                + "\"text\":\"nothing was decided\"}");
    }
}
