package com.composerelay.local;

import com.composerelay.json.Json;
import com.composerelay.local.LocalDeployment.Published;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./run-local.sh} shows: the stack made locally, one request through the HTTP path
 * and one through the queue, and the outcomes as a subscriber of the topic gets them.
 */
public final class LocalRun {
    private LocalRun() {}

    public static void main(String[] args) throws Exception {
        String stackName = "compose-relay-local-" + (System.currentTimeMillis() / 1000);
        say("Creating the stack '%s' in LocalStack from .aws-sam/build/template.yaml ...", stackName);
        try (LocalDeployment stack = LocalDeployment.start(new LocalDeployment.Options(
                stackName, Map.of(), null, LocalDeployment.Phala.PROMPT, Path.of("target", "local-run")))) {
            say("  secret      %s (holds a made-up sample key)", stack.secretArn);
            say("  topic       %s", stack.topicArn);
            say("  queue       %s (dead letters after %d deliveries)", stack.requestQueueUrl, stack.maxReceiveCount);
            say("  phala       stand-in on http://127.0.0.1:%d", stack.phala.port());
            say("  function    %s under the Lambda Runtime Interface Emulator", LocalDeployment.FUNCTION);
            say("");

            say("1) HTTP: PATCH /cvms/cvm_ykL5lbAn/compose_file (events/http-api.json) ...");
            JsonNode response = Json.parse(stack.function.invoke(Files.readString(Path.of("events", "http-api.json"))));
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
            say("Function log: target/local-run/%s-function.log", stackName);
        }
    }

    private static void show(List<Published> outcomes) {
        if (outcomes.isEmpty()) {
            say("   (no outcome published)");
        }
        for (Published p : outcomes) {
            JsonNode o = p.outcome();
            say("   SNS  %s", p.subject());
            say("        attributes %s", p.attributes());
            say("        status=%s cvm_id=%s http_status=%s attempts=%s", o.path("status").asText(),
                    o.path("cvm_id").asText(), o.path("http_status").asText(), o.path("attempts").asText());
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
