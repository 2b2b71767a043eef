package com.composerelay;

import com.composerelay.support.TestJson;
import com.composerelay.wiring.Assembly;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.Fixtures;
import com.composerelay.support.LocalAws;
import com.composerelay.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SnapStart hooks as Lambda's runtime runs them: org.crac delegates to the runtime interface
 * client's own CRaC context ({@code -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac}, set
 * for this class alone in pom.xml's surefire execution {@code snapstart-runtime}), which holds
 * resources weakly; garbage is collected between initialisation and the checkpoint (the context
 * itself runs {@code System.gc()} after the hooks). Only the handler is kept, as the runtime keeps it.
 */
class SnapStartRuntimeTest {
    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    void theHandlersHooksSurviveAGarbageCollectionThenPrimeAndReadTheKeyAfterTheRestore() throws Exception {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Name\":\"compose-relay/phala-api-key\",\"SecretString\":\"" + Fixtures.API_KEY + "\"}")));
        var config = Fixtures.config("PHALA_API_BASE_URL", aws.baseUrl(), "AWS_ENDPOINT_URL", aws.baseUrl(),
                "AWS_REGION", "us-east-1", "IDEMPOTENCY_TABLE_NAME", "compose-relay-idempotency");
        // The runtime loads its native library at start; its CRaC context clears the DNS cache through it.
        com.amazonaws.services.lambda.runtime.api.client.runtimeapi.JniHelper.load();
        RelayHandler handler = new RelayHandler(Assembly.withAws(config, LocalAws.CREDENTIALS, Clock.systemUTC()));

        collectGarbage();
        long classesBefore = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        com.amazonaws.services.lambda.crac.Core.getGlobalContext().beforeCheckpoint(null);
        long primedClasses = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() - classesBefore;

        assertThat(aws.getAllServeEvents()).as("priming sends nothing to AWS or Phala").isEmpty();
        JsonNode primed = line("SnapStart: primed before the snapshot");
        assertThat(primed.get("aws_calls").textValue()).as("every AWS call ran against the canned answers")
                .isEqualTo("secretsmanager.GetSecretValue,DynamoDB_20120810.PutItem,DynamoDB_20120810.UpdateItem,sns.Publish");
        assertThat(primed.get("code_paths").intValue()).as("the HTTP and SQS paths ran").isEqualTo(2);
        assertThat(primedClasses).as("classes loaded by priming, into the snapshot").isGreaterThan(1000);

        com.amazonaws.services.lambda.crac.Core.getGlobalContext().afterRestore(null);

        aws.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
        assertThat(line("SnapStart: restored").get("key_read").textValue()).isEqualTo("done");
        assertThat(handler).isNotNull();
    }

    /** Runs collections until a weakly held sentinel is gone: what the runtime's System.gc() does. */
    private static void collectGarbage() throws InterruptedException {
        WeakReference<Object> sentinel = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && sentinel.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(sentinel.get()).as("a collection ran").isNull();
    }

    private JsonNode line(String message) throws Exception {
        List<String> lines = Arrays.stream(log.text().split("\n")).filter(l -> l.contains(message)).toList();
        assertThat(lines).as("log lines '" + message + "'").hasSize(1);
        return TestJson.parse(lines.get(0));
    }
}
