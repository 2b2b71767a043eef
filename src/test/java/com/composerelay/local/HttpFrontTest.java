package com.composerelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.composerelay.local.HttpApiRoutes.Match;
import com.composerelay.local.HttpApiRoutes.Route;
import com.composerelay.support.Events;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local HTTP front with a fake function: which route API Gateway would pick, the payload format
 * 2.0 event it would send (read back with AWS's own event model), and the HTTP response it would make
 * of the function's answer.
 */
class HttpFrontTest {
    private static final String HASH = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";
    private static final HttpApiRoutes RELAY_ROUTES = new HttpApiRoutes(List.of(
            new Route("PATCH", "/cvms/{cvm_id}/compose_file", "AWS_IAM"),
            new Route("POST", "/cvms/{cvm_id}/updates", "AWS_IAM"),
            new Route("POST", "/slack/command", "NONE"),
            new Route("ANY", "/api/v1/{proxy+}", "NONE")));

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private HttpFront front;

    @AfterEach
    void stop() {
        if (front != null) {
            front.close();
        }
        http.close();
    }

    /** A front on any free port whose function records each event and answers with {@code answer}. */
    private URI frontAnswering(Function<String, String> answer) {
        front = new HttpFront(RELAY_ROUTES, event -> {
            events.add(event);
            return answer.apply(event);
        }).start(0);
        return front.baseUrl();
    }

    private URI frontAnswering(String answer) {
        return frontAnswering(event -> answer);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    // ---- routes -------------------------------------------------------------------------------

    @Test
    void readsTheHttpApiRoutesOfTheTemplateWithTheirAuthorizers() {
        HttpApiRoutes routes = HttpApiRoutes.of(SamTemplate.read(Path.of(".")), LocalDeployment.FUNCTION);

        assertThat(routes.routes()).containsExactly(
                new Route("PATCH", "/cvms/{cvm_id}/compose_file", "AWS_IAM"),
                new Route("POST", "/cvms/{cvm_id}/updates", "AWS_IAM"),
                new Route("POST", "/rollouts", "AWS_IAM"),
                new Route("GET", "/rollouts/{rollout_id}", "AWS_IAM"),
                new Route("POST", "/rollouts/{rollout_id}/cancel", "AWS_IAM"),
                new Route("POST", "/rollouts/{rollout_id}/resume", "AWS_IAM"),
                new Route("GET", "/api/v1/cvms/{cvm_id}", "NONE"),
                new Route("PATCH", "/api/v1/cvms/{cvm_id}", "NONE"),
                new Route("POST", "/api/v1/cvms/{cvm_id}/compose_file/provision", "NONE"),
                new Route("PATCH", "/api/v1/cvms/{cvm_id}/compose_file", "NONE"),
                new Route("ANY", "/api/v1/{proxy+}", "NONE"),
                new Route("POST", "/slack/command", "NONE"),
                new Route("POST", "/slack/interactions", "NONE"),
                new Route("POST", "/hooks/compose-update", "NONE"),
                new Route("POST", "/phala/events", "NONE"));
    }

    @Test
    void takesTheApisDefaultAuthorizerWhenARouteNamesNoneAndReadsAnyAndDefaultRoutes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("template.yaml"), """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Events:
                        Proxy:
                          Type: HttpApi
                          Properties:
                            ApiId: {Ref: Api}
                            Method: any
                            Path: /api/v1/{proxy+}
                        Open:
                          Type: HttpApi
                          Properties:
                            ApiId: {Ref: Api}
                            Method: GET
                            Path: /health
                            Auth: {Authorizer: NONE}
                        CatchAll:
                          Type: HttpApi
                          Properties:
                            ApiId: {Ref: Api}
                        Queue:
                          Type: SQS
                          Properties: {Queue: arn}
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth: {EnableIamAuthorizer: true, DefaultAuthorizer: AWS_IAM}
                """);

        List<Route> routes = HttpApiRoutes.of(SamTemplate.read(dir), "Fn").routes();

        assertThat(routes).containsExactly(new Route("ANY", "/api/v1/{proxy+}", "AWS_IAM"),
                new Route("GET", "/health", "NONE"), new Route(null, null, "AWS_IAM"));
        assertThat(routes).extracting(Route::routeKey).containsExactly("ANY /api/v1/{proxy+}", "GET /health", "$default");
    }

    @Test
    void picksTheMostSpecificRouteAndGreedyOnesLastAsApiGatewayDocumentsIt() {
        // The example of API Gateway's "Routing API requests" (HTTP APIs).
        HttpApiRoutes routes = new HttpApiRoutes(List.of(
                new Route("ANY", "/{proxy+}", "NONE"),
                new Route("GET", "/pets/{proxy+}", "NONE"),
                new Route("GET", "/pets/dog/{id}", "NONE"),
                new Route("GET", "/pets/dog/1", "NONE"),
                new Route(null, null, "NONE")));

        assertThat(routes.select("GET", "/pets/dog/1")).contains(new Match(routes.routes().get(3), Map.of()));
        assertThat(routes.select("GET", "/pets/dog/2")).contains(new Match(routes.routes().get(2), Map.of("id", "2")));
        assertThat(routes.select("GET", "/pets/cat/1")).contains(new Match(routes.routes().get(1), Map.of("proxy", "cat/1")));
        assertThat(routes.select("POST", "/pets/cat/1"))
                .contains(new Match(routes.routes().get(0), Map.of("proxy", "pets/cat/1")));
        assertThat(routes.select("GET", "/")).contains(new Match(routes.routes().get(4), Map.of()));
    }

    @Test
    void prefersANamedMethodToAnyOnTheSamePath() {
        HttpApiRoutes routes = new HttpApiRoutes(List.of(new Route("ANY", "/cvms/{id}", "NONE"),
                new Route("GET", "/cvms/{id}", "NONE")));

        assertThat(routes.select("GET", "/cvms/a").map(m -> m.route().routeKey())).contains("GET /cvms/{id}");
        assertThat(routes.select("DELETE", "/cvms/a").map(m -> m.route().routeKey())).contains("ANY /cvms/{id}");
    }

    @Test
    void aGreedyVariableTakesOneSegmentOrMoreAndAnExactRouteWinsOverIt() {
        assertThat(RELAY_ROUTES.select("PATCH", "/api/v1/cvms/cvm_1/compose_file"))
                .contains(new Match(RELAY_ROUTES.routes().get(3), Map.of("proxy", "cvms/cvm_1/compose_file")));
        assertThat(RELAY_ROUTES.select("GET", "/api/v1/cvms")).map(m -> m.pathParameters())
                .contains(Map.of("proxy", "cvms"));
        assertThat(RELAY_ROUTES.select("GET", "/api/v1")).isEmpty();
        assertThat(RELAY_ROUTES.select("GET", "/api/v1/")).isEmpty();
        assertThat(RELAY_ROUTES.select("PATCH", "/cvms/cvm_1/compose_file").map(m -> m.route().routeKey()))
                .contains("PATCH /cvms/{cvm_id}/compose_file");
    }

    @Test
    void matchesNothingForAnotherMethodOrPathAndDecodesPathParameters() {
        assertThat(RELAY_ROUTES.select("PUT", "/cvms/cvm_1/compose_file")).isEmpty();
        assertThat(RELAY_ROUTES.select("PATCH", "/cvms/cvm_1/compose_file/")).isEmpty();
        assertThat(RELAY_ROUTES.select("PATCH", "/cvms//compose_file")).isEmpty();
        assertThat(RELAY_ROUTES.select("POST", "/slack/command/extra")).isEmpty();
        assertThat(RELAY_ROUTES.select("PATCH", "/cvms/a%20b+c/compose_file")).map(Match::pathParameters)
                .contains(Map.of("cvm_id", "a b+c"));
    }

    @Test
    void rejectsAGreedyVariableBeforeTheEndOfThePath() {
        assertThatThrownBy(() -> new HttpApiRoutes(List.of(new Route("GET", "/{proxy+}/x", "NONE"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must end the path");
    }

    // ---- the event ----------------------------------------------------------------------------

    @Test
    void sendsThePayloadFormat2EventAsAwssModelReadsIt() throws Exception {
        URI base = frontAnswering("{\"statusCode\":202}");
        long before = System.currentTimeMillis();
        String body = "{\"compose_hash\":\"" + HASH + "\"}";

        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(
                        base.resolve("/cvms/cvm_ykL5lbAn/compose_file?b=2&a=1&a=x%20y+z"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("User-Agent", "deploy-pipeline/1.0")
                .header("X-Multi", "one")
                .header("X-Multi", "two")
                .header("Cookie", "session=abc; theme=dark"));

        assertThat(response.statusCode()).isEqualTo(202);
        APIGatewayV2HTTPEvent event = Events.read(APIGatewayV2HTTPEvent.class, events.getFirst());
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("PATCH /cvms/{cvm_id}/compose_file");
        assertThat(event.getRawPath()).isEqualTo("/cvms/cvm_ykL5lbAn/compose_file");
        assertThat(event.getRawQueryString()).isEqualTo("b=2&a=1&a=x%20y+z");
        assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("a", "1,x y z", "b", "2"));
        assertThat(event.getPathParameters()).isEqualTo(Map.of("cvm_id", "cvm_ykL5lbAn"));
        assertThat(event.getCookies()).containsExactly("session=abc", "theme=dark");
        assertThat(event.getHeaders())
                .containsEntry("content-type", "application/json")
                .containsEntry("user-agent", "deploy-pipeline/1.0")
                .containsEntry("x-multi", "one,two")
                .containsEntry("host", "127.0.0.1:" + front.port())
                .containsEntry("content-length", String.valueOf(body.length()))
                .containsEntry("x-forwarded-for", "127.0.0.1")
                .containsEntry("x-forwarded-port", String.valueOf(front.port()))
                .containsEntry("x-forwarded-proto", "http")
                .doesNotContainKeys("cookie", "connection", "upgrade", "http2-settings");
        assertThat(event.getHeaders().keySet()).allMatch(name -> name.equals(name.toLowerCase()));
        assertThat(event.getHeaders().get("x-amzn-trace-id")).matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24}");
        assertThat(event.getBody()).isEqualTo(body);
        assertThat(event.getIsBase64Encoded()).isFalse();

        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertThat(context.getAccountId()).isEqualTo("000000000000");
        assertThat(context.getApiId()).isEqualTo("local");
        assertThat(context.getDomainName()).isEqualTo("127.0.0.1");
        assertThat(context.getDomainPrefix()).isEqualTo("127");
        assertThat(context.getRouteKey()).isEqualTo("PATCH /cvms/{cvm_id}/compose_file");
        assertThat(context.getStage()).isEqualTo("$default");
        assertThat(context.getRequestId()).matches("[A-Za-z0-9+/]{15}=")
                .isEqualTo(response.headers().firstValue("apigw-requestid").orElseThrow());
        assertThat(context.getTime()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(context.getTimeEpoch()).isBetween(before, System.currentTimeMillis());
        assertThat(context.getHttp().getMethod()).isEqualTo("PATCH");
        assertThat(context.getHttp().getPath()).isEqualTo("/cvms/cvm_ykL5lbAn/compose_file");
        assertThat(context.getHttp().getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(context.getHttp().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(context.getHttp().getUserAgent()).isEqualTo("deploy-pipeline/1.0");
        APIGatewayV2HTTPEvent.RequestContext.IAM caller = context.getAuthorizer().getIam();
        assertThat(caller.getAccountId()).isEqualTo("000000000000");
        assertThat(caller.getUserArn()).isEqualTo("arn:aws:iam::000000000000:user/local-developer");
        assertThat(caller.getAccessKey()).isEqualTo(HttpApiEvent.LOCAL_ACCESS_KEY);
        assertThat(caller.getUserId()).isEqualTo(HttpApiEvent.LOCAL_USER_ID);
        assertThat(caller.getCallerId()).isEqualTo(HttpApiEvent.LOCAL_USER_ID);
        // What the model read is all there was: written back by Lambda's serializer (which leaves out the
        // nulls AWS writes, such as cognitoIdentity), it is the same document.
        assertThat(Events.tree(Events.json(event))).isEqualTo(withoutNulls(Events.tree(events.getFirst())));
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            var copy = TestJson.object();
            node.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), withoutNulls(e.getValue()));
                }
            });
            return copy;
        }
        return node;
    }

    @Test
    void givesEachRequestItsOwnRequestId() throws Exception {
        URI base = frontAnswering("{\"statusCode\":200}");
        for (int i = 0; i < 3; i++) {
            send(HttpRequest.newBuilder(base.resolve("/slack/command")).POST(HttpRequest.BodyPublishers.noBody()));
        }

        assertThat(events).extracting(e -> Events.read(APIGatewayV2HTTPEvent.class, e).getRequestContext().getRequestId())
                .doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void base64EncodesAFormPostAsApiGatewayDoesAndAddsNoCallerOnAnOpenRoute() throws Exception {
        URI base = frontAnswering("{\"statusCode\":200}");
        String form = "token=x&team_id=T0001&text=update+cvm_ykL5lbAn";

        send(HttpRequest.newBuilder(base.resolve("/slack/command"))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .header("Content-Type", "application/x-www-form-urlencoded"));

        APIGatewayV2HTTPEvent event = Events.read(APIGatewayV2HTTPEvent.class, events.getFirst());
        assertThat(event.getRouteKey()).isEqualTo("POST /slack/command");
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8)).isEqualTo(form);
        assertThat(event.getPathParameters()).isNull();
        assertThat(event.getQueryStringParameters()).isNull();
        assertThat(event.getCookies()).isNull();
        assertThat(event.getRawQueryString()).isEmpty();
        assertThat(event.getRequestContext().getAuthorizer()).isNull();
    }

    @Test
    void base64EncodesBytesThatAreNotUtf8EvenUnderATextType() throws Exception {
        URI base = frontAnswering("{\"statusCode\":200}");
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'a', 0};
        for (String type : List.of("application/json", "application/octet-stream")) {
            send(HttpRequest.newBuilder(base.resolve("/slack/command"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8)).header("Content-Type", type));
        }

        assertThat(events).extracting(e -> Events.read(APIGatewayV2HTTPEvent.class, e)).allSatisfy(event -> {
            assertThat(event.getIsBase64Encoded()).isTrue();
            assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(notUtf8);
        });
    }

    @Test
    void passesTextTypesAsTextAndLeavesOutAnEmptyBody() throws Exception {
        URI base = frontAnswering("{\"statusCode\":200}");
        send(HttpRequest.newBuilder(base.resolve("/slack/command"))
                .POST(HttpRequest.BodyPublishers.ofString("héllo")).header("Content-Type", "text/plain; charset=utf-8"));
        send(HttpRequest.newBuilder(base.resolve("/api/v1/cvms")).GET());

        APIGatewayV2HTTPEvent text = Events.read(APIGatewayV2HTTPEvent.class, events.get(0));
        assertThat(text.getBody()).isEqualTo("héllo");
        assertThat(text.getIsBase64Encoded()).isFalse();
        JsonNode empty = TestJson.parse(events.get(1));
        assertThat(empty.has("body")).isFalse();
        assertThat(empty.get("isBase64Encoded").booleanValue()).isFalse();
        assertThat(empty.get("routeKey").textValue()).isEqualTo("ANY /api/v1/{proxy+}");
        assertThat(empty.get("pathParameters").get("proxy").textValue()).isEqualTo("cvms");
        assertThat(empty.get("requestContext").get("http").get("method").textValue()).isEqualTo("GET");
    }

    // ---- the response -------------------------------------------------------------------------

    @Test
    void writesStatusHeadersMultiValueHeadersCookiesAndBody() throws Exception {
        URI base = frontAnswering("""
                {"statusCode":202,
                 "headers":{"Content-Type":"application/json","X-Attempts":2,"Idempotent-Replayed":true},
                 "multiValueHeaders":{"X-Multi":["a","b"]},
                 "cookies":["session=abc; Path=/; HttpOnly","theme=dark"],
                 "body":"{\\"status\\":\\"accepted\\"}","isBase64Encoded":false}""");

        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/cvms/cvm_1/compose_file"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().allValues("content-type")).containsExactly("application/json");
        assertThat(response.headers().allValues("x-attempts")).containsExactly("2");
        assertThat(response.headers().allValues("idempotent-replayed")).containsExactly("true");
        assertThat(response.headers().allValues("x-multi")).containsExactly("a", "b");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("session=abc; Path=/; HttpOnly", "theme=dark");
        assertThat(response.headers().firstValue("apigw-requestid")).isPresent();
        assertThat(text(response)).isEqualTo("{\"status\":\"accepted\"}");
    }

    @Test
    void decodesABase64Body() throws Exception {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        URI base = frontAnswering("{\"statusCode\":200,\"headers\":{\"Content-Type\":\"application/octet-stream\"},"
                + "\"body\":\"" + Base64.getEncoder().encodeToString(bytes) + "\",\"isBase64Encoded\":true}");

        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/api/v1/blob")).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/octet-stream");
        assertThat(response.body()).isEqualTo(bytes);
    }

    @Test
    void answersWithoutABodyWhenTheFunctionGivesNone() throws Exception {
        URI base = frontAnswering("{\"statusCode\":204}");

        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/api/v1/x")).GET());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void infersA200JsonResponseWhenTheFunctionReturnsJsonWithoutStatusCode() throws Exception {
        List<String> answers = new ArrayList<>(List.of("{ \"message\": \"Hello from Lambda!\" }", "\"Hello from Lambda!\"", "[1,2]"));
        URI base = frontAnswering(event -> answers.removeFirst());
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/api/v1/x")).GET());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).contains("application/json");
            bodies.add(text(response));
        }

        assertThat(bodies).containsExactly("{ \"message\": \"Hello from Lambda!\" }", "Hello from Lambda!", "[1,2]");
    }

    @Test
    void answers500ForAFunctionErrorAsTheEmulatorReportsIt() throws Exception {
        URI base = frontAnswering("{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\","
                + "\"stackTrace\":[\"com.composerelay.RelayHandler.handleRequest(RelayHandler.java:1)\"]}");

        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/slack/command"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(text(response)).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void answers500WhenTheInvocationFailsOrTheAnswerIsNotAResponse() throws Exception {
        List<Function<String, String>> answers = new ArrayList<>(List.of(
                event -> { throw new IllegalStateException("the emulator answered 502"); },
                event -> "Task timed out after 28.00 seconds",
                event -> "{\"statusCode\":\"abc\"}",
                event -> "{\"statusCode\":200,\"body\":\"***\",\"isBase64Encoded\":true}"));
        URI base = frontAnswering(event -> answers.removeFirst().apply(event));

        for (int i = 0; i < 4; i++) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/api/v1/x")).GET());
            assertThat(response.statusCode()).as("answer %d", i).isEqualTo(500);
            assertThat(text(response)).isEqualTo("{\"message\":\"Internal Server Error\"}");
        }
    }

    @Test
    void answers404NotFoundWithoutInvokingWhenNoRouteMatches() throws Exception {
        URI base = frontAnswering("{\"statusCode\":200}");

        HttpResponse<byte[]> wrongPath = send(HttpRequest.newBuilder(base.resolve("/nothing/here")).GET());
        HttpResponse<byte[]> wrongMethod = send(HttpRequest.newBuilder(base.resolve("/slack/command")).GET());

        for (HttpResponse<byte[]> response : List.of(wrongPath, wrongMethod)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("content-type")).contains("application/json");
            assertThat(text(response)).isEqualTo("{\"message\":\"Not Found\"}");
        }
        assertThat(events).isEmpty();
    }

    @Test
    void startsOnTheGivenPortAndStopsListening() throws Exception {
        URI base = frontAnswering("{\"statusCode\":200}");
        int port = front.port();
        front.close();

        assertThat(base).isEqualTo(URI.create("http://127.0.0.1:" + port));
        assertThatThrownBy(() -> send(HttpRequest.newBuilder(base.resolve("/api/v1/x")).GET()))
                .isInstanceOf(java.net.ConnectException.class);
        front = new HttpFront(RELAY_ROUTES, event -> "{}").start(port);
        assertThat(front.port()).isEqualTo(port);
        assertThat(Optional.of(send(HttpRequest.newBuilder(base.resolve("/api/v1/x")).GET()).statusCode())).contains(200);
    }
}
