package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.SamTemplate;
import com.composerelay.local.SampleEvents;
import com.composerelay.support.Events;
import com.composerelay.support.Tags;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Image deploys end to end (issue 20): the release channels in LocalStack's SSM, ECR's push event
 * (AWS's documented sample, its digest made whole) put through LocalStack's EventBridge and the
 * template's own rule to the request queue, the built function under the Runtime Interface Emulator
 * and its rollouts on LocalStack's Step Functions, a Phala stand-in whose CVMs answer their compose
 * file; then the Slack {@code deploy} (the tag's digest from an ECR stand-in on loopback) and
 * {@code rollback} commands, signed.
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageDeployE2E {
    static final String OLD = "1d5f9c2e7b4a1f3e6d8c0b2a4f6e8d0c2b4a6f8e0d2c4b6a8f0e2d4c6b8a0f2e";
    static final String APP = "a2000000000000000000000000000000000000a2";
    static final String CANARY_APP = "a3000000000000000000000000000000000000a3";
    static final String REGISTRY = "000000000000.dkr.ecr.us-east-1.amazonaws.com";
    static final String PUSHED = "sha256:" + "7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12340000";
    static final String TAGGED = "sha256:" + "b".repeat(64);
    /** An attested compose: comments, an anchor and merge key, quoting and another service must stay byte for byte. */
    static final String COMPOSE = "# shop: every byte of this file is attested\n"
            + "x-common: &common\n"
            + "  restart: unless-stopped\n"
            + "services:\n"
            + "  web:\n"
            + "    <<: *common\n"
            + "    image: \"" + REGISTRY + "/shop:v1.2.0\"  # pinned by CI\n"
            + "    ports: [\"8080:8080\"]\n"
            + "  cache:\n"
            + "    image: redis:7.2   # not ours\n";
    static final int IMAGE_LINE = 7;

    private static LocalDeployment stack;
    private static EventBridgeClient events;
    private static SsmClient ssm;
    private static HttpServer ecr;
    private static HttpServer slack;
    private static final List<String> ecrBodies = new CopyOnWriteArrayList<>();
    private static final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private static final List<Published> outcomes = new ArrayList<>();
    private static final AtomicBoolean pumping = new AtomicBoolean(true);
    private static Thread pump;
    private static List<String> appVms;
    private static List<String> canaryVms;

    @BeforeAll
    static void deploy() throws Exception {
        ecr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        ecr.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                ecrBodies.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " " + body);
                byte[] answer = ("{\"imageDetails\":[{\"registryId\":\"000000000000\",\"repositoryName\":\"shop\","
                        + "\"imageDigest\":\"" + TAGGED + "\",\"imageTags\":[\"v1.4.0\"]}]}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        ecr.start();
        slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        slack.createContext("/commands/", exchange -> {
            try (exchange) {
                posted.add(TestJson.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
            } catch (Exception e) {
                exchange.sendResponseHeaders(400, -1);
            }
        });
        slack.start();
        String name = "img-" + UUID.randomUUID().toString().substring(0, 8);
        String parameter = "/" + name + "/release-channels";
        URI endpoint = URI.create(System.getProperty("localstack.endpoint", "http://127.0.0.1:4566"));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        ssm = SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(LocalDeployment.REGION))
                .credentialsProvider(credentials).endpointOverride(endpoint).build();
        events = EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(LocalDeployment.REGION)).credentialsProvider(credentials).endpointOverride(endpoint).build();
        stack = LocalDeployment.start(new LocalDeployment.Options(name,
                Map.of("MaxReceiveCount", "3", "ReleaseChannelsParameterName", parameter,
                        "SlackAllowlist", "T0001/C0001/*=channel:shop-prod"),
                2, LocalDeployment.Phala.PROMPT, Path.of("target", "e2e-logs"),
                Map.of("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:" + ecr.getAddress().getPort())));
        stack.phala.updateMillis(1000);
        appVms = stack.phala.addApp(APP, 2, OLD);
        canaryVms = stack.phala.addApp(CANARY_APP, 1, OLD);
        stack.phala.appCompose(OLD, "{\"name\":\"shop\",\"manifest_version\":2,\"runner\":\"docker-compose\","
                + "\"docker_compose_file\":" + TestJson.write(TestJson.array().add(COMPOSE).get(0))
                + ",\"kms_enabled\":true,\"gateway_enabled\":true,\"public_logs\":false,\"allowed_envs\":[]}");
        String strategy = "{\"waves\": [1, \"100%\"], \"check_interval_seconds\": 1, \"bake_seconds\": 0}";
        ssm.putParameter(b -> b.name(parameter).type(ParameterType.SECURE_STRING).overwrite(true).value("["
                + "{\"name\": \"shop-prod\", \"repository\": \"shop\", \"tags\": [\"v*\"], \"service\": \"web\","
                + " \"targets\": {\"app_id\": \"app_" + APP + "\"}, \"strategy\": " + strategy + "},"
                + "{\"name\": \"shop-canary\", \"repository\": \"shop\", \"tags\": [\"v1.3.*\"], \"service\": [\"web\"],"
                + " \"targets\": {\"cvms\": [\"" + canaryVms.getFirst() + "\"]}, \"strategy\": {\"waves\": [1],"
                + " \"check_interval_seconds\": 1, \"bake_seconds\": 0}}]"));
        // The template's own rule, its repositories as the EcrRepositories parameter would give them.
        SamTemplate template = SamTemplate.read(Path.of(System.getProperty("sam.build.dir", ".aws-sam/build")));
        ObjectNode pattern = (ObjectNode) template.resource("EcrPushRule").path("Properties").path("EventPattern").deepCopy();
        ((ObjectNode) pattern.get("detail")).set("repository-name", TestJson.array().add("shop"));
        events.putRule(b -> b.name(name + "-EcrPushRule").eventPattern(TestJson.write(pattern)));
        events.putTargets(b -> b.rule(name + "-EcrPushRule").targets(t -> t.id("RequestQueue")
                .arn(stack.queueArn(stack.requestQueueUrl))));
        pump = Thread.ofPlatform().daemon().name("task-queue-poller").start(() -> {
            while (pumping.get()) {
                try {
                    int received;
                    synchronized (stack.function) {
                        received = stack.taskSource.pollOnce(1, 0, false).received();
                    }
                    if (received == 0) {
                        Thread.sleep(150);
                    }
                } catch (Exception e) {
                    if (pumping.get()) {
                        System.err.println("task poller: " + e);
                    }
                }
            }
        });
    }

    @AfterAll
    static void tearDown() throws Exception {
        pumping.set(false);
        if (pump != null) {
            pump.join(5000);
        }
        if (ecr != null) {
            ecr.stop(0);
        }
        if (slack != null) {
            slack.stop(0);
        }
        if (stack != null) {
            String log = stack.function.log();
            stack.close();
            assertThat(log).doesNotContain(LocalDeployment.SAMPLE_API_KEY)
                    .doesNotContain(SampleEvents.sampleSecret("SAMPLE_SLACK_SIGNING_SECRET"));
        }
    }

    // ---- helpers

    /** The documented ECR push, put on the default bus as ECR would (LocalStack stamps its own account and region). */
    static void push(String tag, String digest) throws Exception {
        JsonNode sample = TestJson.parse(Files.readString(Path.of("events", "ecr-image-push.json")));
        ObjectNode detail = (ObjectNode) sample.get("detail").deepCopy();
        detail.put("repository-name", "shop").put("image-tag", tag).put("image-digest", digest);
        var answer = events.putEvents(b -> b.entries(e -> e.source(sample.get("source").textValue())
                .detailType(sample.get("detail-type").textValue()).detail(TestJson.write(detail))));
        assertThat(answer.failedEntryCount()).isZero();
    }

    /** Delivers what is on the request queue to the function, as the event source mapping would; how many. */
    static int deliver(int expected) throws Exception {
        int received = 0;
        for (int i = 0; i < 20 && received < expected; i++) {
            synchronized (stack.function) {
                received += stack.eventSource.pollOnce(10, 1).received();
            }
        }
        return received;
    }

    static String idOf(String key) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return "ro_" + HexFormat.of().formatHex(hash).substring(0, 24);
    }

    static JsonNode view(String id) throws Exception {
        Map<String, String> headers = new java.util.LinkedHashMap<>(Events.sampleHttpApiHeaders());
        String event = Events.json(Events.httpApiRequest("GET", "GET /rollouts/{rollout_id}", "/rollouts/" + id, null,
                headers, null, false)).replace("Jb1fHgq7IAMEVfA=", UUID.randomUUID().toString().substring(0, 16));
        JsonNode response = TestJson.parse(stack.function.invoke(event));
        return response.get("statusCode").intValue() == 200 ? TestJson.parse(response.get("body").textValue()) : null;
    }

    static JsonNode await(String id, int seconds) throws Exception {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode view = null;
        while (System.nanoTime() < until) {
            view = view(id);
            if (view != null && List.of("completed", "failed", "rolled_back", "rollback_failed", "cancelled")
                    .contains(view.get("status").textValue())) {
                return view;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("rollout " + id + " did not end in " + seconds + " s: " + view);
    }

    private static String deployedId;

    /** The rollout id of the first {@code rollout.started} of a release of {@code kind}, within 20 s. */
    static String startedId(String kind) throws Exception {
        for (int i = 0; i < 80; i++) {
            synchronized (outcomes) {
                outcomes.addAll(stack.outcomesSoFar());
                for (Published p : outcomes) {
                    if ("rollout.started".equals(p.attributes().get("event"))
                            && kind.equals(p.attributes().get("release_kind"))) {
                        return p.attributes().get("rollout_id");
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no rollout.started of a " + kind + " release");
    }

    static long executionsNamed(String name) {
        return stack.sfn.listExecutions(b -> b.stateMachineArn(stack.rolloutStateMachineArn)).executions().stream()
                .filter(e -> e.name().equals(name)).count();
    }

    static List<Published> outcomesOf(String id) {
        synchronized (outcomes) {
            outcomes.addAll(stack.outcomesSoFar());
            return outcomes.stream().filter(p -> id.equals(p.attributes().get("rollout_id"))).toList();
        }
    }

    static String composeOfLastProvision(String vm) throws Exception {
        return TestJson.parse(stack.phala.lastProvision(vm)).get("docker_compose_file").textValue();
    }

    static JsonNode slash(String text) throws Exception {
        String responseUrl = "http://127.0.0.1:" + slack.getAddress().getPort() + "/commands/T0001/1234/5678";
        String event = SampleEvents.fresh("slack-command.json", System.currentTimeMillis() / 1000, form -> form
                .replace("https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0001%2F1234%2F5678",
                        URLEncoder.encode(responseUrl, StandardCharsets.UTF_8))
                .replaceAll("text=[^&]*", "text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)));
        JsonNode response = TestJson.parse(stack.function.invoke(event));
        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        return TestJson.parse(response.get("body").textValue());
    }

    // ---- the scenarios

    @Test
    @Order(1)
    void aPushDeliveredTwiceRollsOutOncePerMatchingChannelPinnedByDigestOneLineChanged() throws Exception {
        long pushed = System.nanoTime();
        push("v1.3.0", PUSHED);
        push("v1.3.0", PUSHED); // EventBridge delivers at least once: the same event again
        long delivering = System.nanoTime();
        assertThat(deliver(2)).as("both copies reach the function").isEqualTo(2);
        long delivered = System.nanoTime();
        Map<String, Long> calls = stack.phala.callsByKind();
        System.out.printf("push: EventBridge to the queue and its poll %d ms; the function's invocation(s) for both copies,"
                + " two channels, to their rollout.started %d ms; Phala calls %s%n", (delivering - pushed) / 1_000_000,
                (delivered - delivering) / 1_000_000, calls);
        String prod = idOf("release:shop-prod:" + PUSHED);
        String canary = idOf("release:shop-canary:" + PUSHED);
        JsonNode prodEnd = await(prod, 120);
        JsonNode canaryEnd = await(canary, 120);
        assertThat(prodEnd.get("status").textValue()).as(prodEnd.toString()).isEqualTo("completed");
        assertThat(canaryEnd.get("status").textValue()).as(canaryEnd.toString()).isEqualTo("completed");
        assertThat(executionsNamed(prod)).isEqualTo(1);
        assertThat(executionsNamed(canary)).isEqualTo(1);

        String pinned = "    image: \"" + REGISTRY + "/shop@" + PUSHED + "\"  # pinned by CI";
        String expected = COMPOSE.replace("    image: \"" + REGISTRY + "/shop:v1.2.0\"  # pinned by CI", pinned);
        assertThat(expected).isNotEqualTo(COMPOSE);
        // The lead CVM of each channel provisioned the running compose with exactly the image line changed.
        assertThat(composeOfLastProvision(appVms.getFirst())).isEqualTo(expected);
        assertThat(composeOfLastProvision(canaryVms.getFirst())).isEqualTo(expected);
        assertThat(stack.phala.lastProvision(appVms.get(1))).as("the replica is redeployed, not provisioned").isNull();
        JsonNode release = prodEnd.get("release");
        assertThat(release.get("channel").textValue()).isEqualTo("shop-prod");
        assertThat(release.get("kind").textValue()).isEqualTo("push");
        assertThat(release.get("repository").textValue()).isEqualTo("shop");
        assertThat(release.get("tag").textValue()).isEqualTo("v1.3.0");
        assertThat(release.get("digest").textValue()).isEqualTo(PUSHED);
        assertThat(release.get("image").textValue()).isEqualTo(REGISTRY + "/shop@" + PUSHED);
        assertThat(release.get("changes")).hasSize(1);
        assertThat(release.get("changes").get(0).get("line").intValue()).isEqualTo(IMAGE_LINE);
        assertThat(release.get("changes").get(0).get("before").textValue())
                .isEqualTo("    image: \"" + REGISTRY + "/shop:v1.2.0\"  # pinned by CI");
        assertThat(release.get("changes").get(0).get("after").textValue()).isEqualTo(pinned);
        for (String vm : appVms) {
            assertThat(stack.phala.composeHash(vm)).isEqualTo(prodEnd.get("compose_hash").textValue());
        }
        List<String> events = outcomesOf(prod).stream().map(p -> p.attributes().get("event")).distinct().toList();
        assertThat(events).contains("rollout.started");
        assertThat(outcomesOf(prod).stream().filter(p -> "rollout.started".equals(p.attributes().get("event"))))
                .singleElement().satisfies(p -> {
                    assertThat(p.attributes()).containsEntry("trigger", "ecr").containsEntry("release_channel", "shop-prod")
                            .containsEntry("release_kind", "push");
                    assertThat(p.outcome().get("release").get("changes").get(0).get("after").textValue()).isEqualTo(pinned);
                });
    }

    @Test
    @Order(2)
    void aTagNoChannelMatchesIsIgnoredWithNoOutcomeAndNoPhalaCall() throws Exception {
        Map<String, Long> before = stack.phala.callsByKind();
        synchronized (outcomes) {
            outcomes.addAll(stack.outcomesSoFar()); // what the rollouts before published, read off the topic's queue
        }
        push("dev-7", "sha256:" + "c".repeat(64));
        assertThat(deliver(1)).isEqualTo(1);
        Thread.sleep(1500);
        assertThat(stack.outcomesSoFar()).as("no outcome").isEmpty();
        assertThat(stack.phala.callsByKind()).as("no Phala call").isEqualTo(before);
        assertThat(stack.function.log()).contains("image push matches no release channel: ignored")
                .contains("\"ImagePushes\":1").contains("\"result\":\"unmatched\"");
    }

    @Test
    @Order(2)
    void theSampleSqsEventOfAPushNoChannelMatchesIsIgnored() throws Exception {
        Map<String, Long> before = stack.phala.callsByKind();
        JsonNode answer = TestJson.parse(stack.function.invoke(Files.readString(Path.of("events",
                "sqs-ecr-image-push.json"))));
        assertThat(TestJson.write(answer)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(stack.phala.callsByKind()).isEqualTo(before);
        assertThat(stack.function.log()).contains("\"repository\":\"my-repository-name\",\"tag\":\"latest\"");
    }

    @Test
    @Order(3)
    void slackDeployResolvesTheTagInEcrAndRollsTheChannelOut() throws Exception {
        JsonNode ack = slash("deploy shop-prod v1.4.0");
        assertThat(ack.get("text").textValue())
                .isEqualTo(":hourglass_flowing_sand: Deploying `v1.4.0` to release channel `shop-prod`. I will post the"
                        + " rollout in this channel.");
        assertThat(deliver(1)).isEqualTo(1);
        assertThat(ecrBodies).containsExactly("AmazonEC2ContainerRegistry_V20150921.DescribeImages "
                + "{\"repositoryName\":\"shop\",\"imageIds\":[{\"imageTag\":\"v1.4.0\"}]}");
        // A deploy from chat is keyed by its signed command: its id is read off its rollout.started.
        String id = startedId("deploy");
        deployedId = id;
        JsonNode end = await(id, 120);
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("completed");
        assertThat(end.get("trigger").textValue()).isEqualTo("slack");
        assertThat(end.get("actor").textValue()).isEqualTo("slack:U0001");
        assertThat(end.get("release").get("kind").textValue()).isEqualTo("deploy");
        assertThat(end.get("release").get("changes").get(0).get("before").textValue())
                .isEqualTo("    image: \"" + REGISTRY + "/shop@" + PUSHED + "\"  # pinned by CI");
        assertThat(end.get("release").get("changes").get(0).get("after").textValue())
                .isEqualTo("    image: \"" + REGISTRY + "/shop@" + TAGGED + "\"  # pinned by CI");
        assertThat(composeOfLastProvision(appVms.getFirst())).contains("/shop@" + TAGGED + "\"  # pinned by CI")
                .doesNotContain(PUSHED);
        long until = System.nanoTime() + 10_000_000_000L;
        while (posted.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(posted).as("the rollout card in the channel").isNotEmpty();
        assertThat(TestJson.write(posted.getFirst())).contains(id);
    }

    @Test
    @Order(4)
    void slackRollbackGoesBackToTheRevisionBeforeTheLastRelease() throws Exception {
        String deployed = deployedId;
        JsonNode ack = slash("rollback shop-prod");
        assertThat(ack.get("text").textValue()).isEqualTo(":hourglass_flowing_sand: Rolling back release channel"
                + " `shop-prod`. I will post the rollout in this channel.");
        assertThat(deliver(1)).isEqualTo(1);
        String id = idOf("rollback:shop-prod:" + deployed);
        JsonNode end = await(id, 120);
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("completed");
        assertThat(end.get("waves")).hasSize(1);
        assertThat(end.get("release").get("kind").textValue()).isEqualTo("rollback");
        assertThat(end.get("release").get("rollback_of").textValue()).isEqualTo(deployed);
        // Back to the compose the push made: the image pinned by the pushed digest again.
        assertThat(composeOfLastProvision(appVms.getFirst()))
                .isEqualTo(COMPOSE.replace("/shop:v1.2.0\"", "/shop@" + PUSHED + "\""));
        for (String vm : appVms) {
            assertThat(stack.phala.composeHash(vm)).isEqualTo(end.get("compose_hash").textValue());
        }

        // The same rollback asked for again (a new command): it names the rollback done, and says so in the thread.
        posted.clear();
        slash("rollback shop-prod");
        assertThat(deliver(1)).isEqualTo(1);
        long until = System.nanoTime() + 10_000_000_000L;
        while (posted.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(posted).singleElement().satisfies(note -> {
            assertThat(note.get("response_type").textValue()).isEqualTo("ephemeral");
            assertThat(note.get("text").textValue()).isEqualTo(":information_source: Release channel `shop-prod`:"
                    + " rollout `" + id + "` was started for this already (completed).");
        });
        assertThat(executionsNamed(id)).isEqualTo(1);
    }

    @Test
    @Order(5)
    void aDeployOfAChannelNotAllowedIsRefusedAtOnce() throws Exception {
        JsonNode ack = slash("deploy shop-canary v1.3.1");
        assertThat(ack.get("text").textValue()).isEqualTo("Sorry, you may not deploy release channel `shop-canary`"
                + " from this channel. Ask the relay's admins to add you to its allowlist.");
        assertThat(stack.depth(stack.requestQueueUrl)).isZero();
    }
}
