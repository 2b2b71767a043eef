package com.composerelay.local;

import com.composerelay.json.Json;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./run-local.sh} shows: the stack made locally, one request through the HTTP path
 * and one through the queue, chat-ops, a whole update watched to {@code completed}, and the
 * outcomes as a subscriber of the topic gets them.
 */
public final class LocalRun {
    private LocalRun() {}

    public static void main(String[] args) throws Exception {
        String stackName = "compose-relay-local-" + (System.currentTimeMillis() / 1000);
        say("Creating the stack '%s' in LocalStack from .aws-sam/build/template.yaml ...", stackName);
        try (LocalDeployment stack = LocalDeployment.start(new LocalDeployment.Options(
                stackName, Map.of("WatchIntervalSeconds", "2"), null, LocalDeployment.Phala.PROMPT,
                Path.of("target", "local-run")))) {
            say("  secret      %s (holds a made-up sample key)", stack.secretArn);
            say("  topic       %s", stack.topicArn);
            say("  queue       %s (dead letters after %d deliveries)", stack.requestQueueUrl, stack.maxReceiveCount);
            say("  phala       stand-in on http://127.0.0.1:%d", stack.phala.port());
            say("  function    %s under the Lambda Runtime Interface Emulator", LocalDeployment.FUNCTION);
            say("");

            say("1) HTTP: PATCH /cvms/cvm_ykL5lbAn/compose_file (events/http-api.json) ...");
            JsonNode response = TestJson.parse(stack.function.invoke(Files.readString(Path.of("events", "http-api.json"))));
            say("   answered %d in %d ms (first invocation: JVM start and init included)",
                    response.get("statusCode").intValue(), stack.function.firstInvocationMillis());
            show(stack.outcomes(1, 10));

            say("2) Queue: aws sqs send-message --message-body '{\"cvm_id\":\"3f1c2a8e-...\",...}' ...");
            stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl).messageBody(
                    "{\"cvm_id\":\"3f1c2a8e-5b7d-4e9f-a1c3-2b4d6e8f0a1c\",\"compose_hash\":"
                            + "\"9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b\"}"));
            SqsEventSource.Poll poll = stack.eventSource.pollOnce(10, 5);
            say("   the event source handed %d message(s) to the function; %d deleted, %d left for redelivery",
                    poll.received(), poll.deleted(), poll.failed().size());
            show(stack.outcomes(1, 10));

            say("3) Queue: a message with a typo ('composeHash') ...");
            stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl)
                    .messageBody("{\"cvm_id\":\"cvm_ykL5lbAn\",\"composeHash\":\"9f2c\"}"));
            stack.eventSource.pollOnce(10, 5);
            show(stack.outcomes(1, 10));
            slackAndPhala(stack);
            wholeUpdate(stack);
            rollouts(stack);
            say("Function log: target/local-run/%s-function.log", stackName);
        }
    }

    /** A slash command answered at once and relayed from the queue, then Phala's event closing the loop. */
    private static void slackAndPhala(LocalDeployment stack) throws Exception {
        HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        slack.createContext("/commands/", exchange -> {
            try (exchange) {
                JsonNode post = TestJson.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                say("   Slack channel <- %s", post.path("text").asText());
                exchange.sendResponseHeaders(200, -1);
            } catch (Json.Malformed e) {
                exchange.sendResponseHeaders(400, -1);
            }
        });
        slack.start();
        try {
            long now = System.currentTimeMillis() / 1000;
            String responseUrl = "http://127.0.0.1:" + slack.getAddress().getPort() + "/commands/T0001/1234/5678";
            say("4) Slack: /compose update cvm_ykL5lbAn 9f2c… (events/slack-command.json, signed now) ...");
            JsonNode ack = TestJson.parse(stack.function.invoke(SampleEvents.fresh("slack-command.json", now, form -> form.replace(
                    "https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0001%2F1234%2F5678",
                    URLEncoder.encode(responseUrl, StandardCharsets.UTF_8)))));
            say("   answered %d at once: %s", ack.get("statusCode").intValue(),
                    TestJson.parse(ack.get("body").textValue()).path("text").asText());
            stack.eventSource.pollOnce(10, 5);
            show(stack.outcomes(1, 10));
            say("5) Phala: webhook cvm.updated for cvm_ykL5lbAn (events/phala-event.json, signed now) ...");
            stack.function.invoke(SampleEvents.fresh("phala-event.json", now, b -> b));
            show(stack.outcomes(1, 10));
        } finally {
            slack.stop(0);
        }
    }

    /** A whole update: compose file and one secret-backed env var in, watched until the CVM runs it. */
    private static void wholeUpdate(LocalDeployment stack) throws Exception {
        say("6) Whole update: POST /cvms/cvm_ykL5lbAn/updates (events/http-api-whole-update.json): the compose file,");
        say("   DATABASE_URL from secret %s (json_key database_url), LOG_LEVEL=info, wait: true ...",
                LocalDeployment.SAMPLE_ENV_SECRET);
        long began = System.nanoTime();
        JsonNode response = TestJson.parse(stack.function.invoke(
                Files.readString(Path.of("events", "http-api-whole-update.json"))));
        JsonNode outcome = TestJson.parse(response.get("body").textValue());
        say("   answered %d in %d ms: compose_hash %s, env_keys %s, allowed_envs_added %s, watch %s",
                response.get("statusCode").intValue(), (System.nanoTime() - began) / 1_000_000,
                outcome.path("compose_hash").asText(), outcome.path("env_keys"), outcome.path("allowed_envs_added"),
                outcome.path("watch").asText());
        List<Published> published = new java.util.ArrayList<>();
        long until = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < until && published.stream().noneMatch(p -> !p.status().equals("accepted"))) {
            stack.taskSource.pollOnce(1, 1); // the watch: a one-CVM rollout's tasks from the state machine
            published.addAll(stack.outcomes(0, 0));
        }
        show(published);
        say("   %s after %d ms; Phala saw %d provision(s), %d PATCH(es), %d CVM read(s) in this run",
                published.isEmpty() ? "nothing" : published.getLast().status(), (System.nanoTime() - began) / 1_000_000,
                stack.phala.provisions(), stack.phala.patches(), stack.phala.reads());
    }

    /** Two rollouts of a 3-CVM app on the state machine: one completes, one rolls back. */
    private static void rollouts(LocalDeployment stack) throws Exception {
        String old = "0d5f9c2e7b4a1f3e6d8c0b2a4f6e8d0c2b4a6f8e0d2c4b6a8f0e2d4c6b8a0f2e";
        stack.phala.updateMillis(1500);
        List<String> shop = stack.phala.addApp("5e0b1a2c3d4e5f60718293a4b5c6d7e8f9012345", 3, old);
        say("7) Rollout: POST /rollouts (events/http-api-rollout.json) to app 5e0b1a2c… (3 CVMs), waves [1, \"100%%\"] ...");
        rollout(stack, Files.readString(Path.of("events", "http-api-rollout.json")));
        for (String vm : shop) {
            say("   %s runs %s…", vm, stack.phala.composeHash(vm).substring(0, 12));
        }
        List<String> cart = stack.phala.addApp("6f1c2b3d4e5f60718293a4b5c6d7e8f901234567", 3, old);
        stack.phala.onRedeploy(cart.get(1), PhalaStandIn.Script.fails("error", "container cart exited with code 1"));
        stack.phala.onHash(cart.get(1), old, PhalaStandIn.Script.boots());
        say("8) Rollout to app 6f1c2b3d… (3 CVMs), waves [1, \"100%%\"]; its second CVM does not boot the new compose ...");
        rollout(stack, Files.readString(Path.of("events", "http-api-rollout.json"))
                .replace("5e0b1a2c3d4e5f60718293a4b5c6d7e8f9012345", "6f1c2b3d4e5f60718293a4b5c6d7e8f901234567")
                .replace("deploy-rollout-42", "deploy-rollout-43"));
        for (String vm : cart) {
            say("   %s runs %s… (%s)", vm, stack.phala.composeHash(vm).substring(0, 12),
                    stack.phala.composeHash(vm).equals(old) ? "the old compose" : "the new compose");
        }
    }

    /** Starts a rollout from an HTTP API event and runs its tasks until it ends; shows its outcomes. */
    private static void rollout(LocalDeployment stack, String event) throws Exception {
        long began = System.nanoTime();
        JsonNode response = TestJson.parse(stack.function.invoke(event));
        JsonNode view = TestJson.parse(response.get("body").textValue());
        String id = view.path("rollout_id").asText();
        say("   answered %d: rollout %s %s", response.get("statusCode").intValue(), id, view.path("status").asText());
        List<Published> published = new java.util.ArrayList<>();
        long until = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < until && published.stream().noneMatch(p ->
                "rollout.finished".equals(p.attributes().get("event")))) {
            stack.taskSource.pollOnce(1, 1);
            published.addAll(stack.outcomes(0, 0));
        }
        for (Published p : published) {
            JsonNode o = p.outcome();
            StringBuilder cvms = new StringBuilder();
            o.path("waves").forEach(w -> w.path("cvms").forEach(c -> cvms.append(cvms.isEmpty() ? "" : ", ")
                    .append(c.path("cvm_id").asText(), 0, 8).append(' ').append(c.path("status").asText())));
            say("   SNS  %-18s %-10s %s", p.attributes().get("event") + (o.has("wave") ? " " + o.path("wave") : ""),
                    p.attributes().get("status"), cvms);
            if (o.has("failure")) {
                say("        failure: %s: %s", o.path("failure").path("cvm_id").asText(), o.path("failure").path("reason").asText());
            }
        }
        say("   ended %s after %d ms", published.isEmpty() ? "?" : published.getLast().attributes().get("status"),
                (System.nanoTime() - began) / 1_000_000);
        say("");
    }

    private static void show(List<Published> outcomes) {
        if (outcomes.isEmpty()) {
            say("   (no outcome published)");
        }
        for (Published p : outcomes) {
            JsonNode o = p.outcome();
            say("   SNS  %s", p.subject());
            say("        attributes %s", p.attributes());
            say("        status=%s cvm_id=%s http_status=%s attempts=%s correlation_id=%s", o.path("status").asText(),
                    o.path("cvm_id").asText(), o.path("http_status").asText(), o.path("attempts").asText(),
                    o.path("correlation_id").asText());
            if (!o.path("error").isNull()) {
                say("        error: %s", o.path("error").asText());
            }
        }
        say("");
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
