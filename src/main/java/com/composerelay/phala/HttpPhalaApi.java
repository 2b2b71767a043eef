package com.composerelay.phala;

import com.composerelay.core.AppCompose;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.PhalaProvisioning;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.PhalaFleet;
import com.composerelay.codec.ComposeUpdateJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.function.Supplier;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Phala's compose update over {@code java.net.http} (the SDK's URL-connection client cannot send
 * PATCH), the calls around it, and the fleet's calls for rollouts. Redirects are never followed: the
 * key must not travel to another host.
 */
public final class HttpPhalaApi implements PhalaApi, PhalaProvisioning, PhalaPassThrough, PhalaFleet {
    public static final String USER_AGENT = "compose-relay/" + RelayVersion.VALUE;

    private final Supplier<HttpClient> client;
    private final URI baseUrl;
    private final String apiVersion;
    private final Clock clock;

    public HttpPhalaApi(HttpClient client, URI baseUrl, String apiVersion, Clock clock) {
        this(() -> client, baseUrl, apiVersion, clock);
    }

    /** Over a client made when first asked for (the deployed relay makes it on a start-up thread). */
    public HttpPhalaApi(Supplier<HttpClient> client, URI baseUrl, String apiVersion, Clock clock) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.apiVersion = apiVersion;
        this.clock = clock;
    }

    /** {@code {base}/api/v1/cvms/{cvm_id}/compose_file}, the id percent-encoded as one path segment. */
    public URI composeFileUri(String cvmId) {
        return URI.create(baseUrl + "/api/v1/cvms/" + PathSegment.encode(cvmId) + "/compose_file");
    }

    @Override
    public PhalaAnswer patchComposeFile(ComposeUpdate update, String apiKey, Duration timeout)
            throws Timeout, Unreachable {
        return send(request(update, apiKey, timeout), apiKey, timeout, body -> Map.of());
    }

    @Override
    public PhalaAnswer provision(String cvmId, AppCompose compose, List<String> allowedEnvs, boolean updateEnvVars,
                                 String apiKey, Duration timeout) throws Timeout, Unreachable {
        HttpRequest request = builder(URI.create(cvmUri(cvmId) + "/compose_file/provision"), apiKey, timeout)
                .POST(HttpRequest.BodyPublishers.ofString(ProvisionJson.body(compose, allowedEnvs, updateEnvVars),
                        StandardCharsets.UTF_8))
                .build();
        return send(request, apiKey, timeout, ProvisionJson::provisioned);
    }

    @Override
    public PhalaAnswer readCvm(String cvmId, String apiKey, Duration timeout) throws Timeout, Unreachable {
        HttpRequest request = builder(URI.create(cvmUri(cvmId)), apiKey, timeout).GET().build();
        return send(request, apiKey, timeout, ProvisionJson::cvm);
    }

    @Override
    public PhalaAnswer forward(String method, String cvmId, String suffix, String body, String version, String apiKey,
                               Duration timeout) throws Timeout, Unreachable {
        HttpRequest.Builder builder = builder(URI.create(cvmUri(cvmId) + suffix), apiKey, timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (version != null) {
            builder.setHeader("X-Phala-Version", version);
        }
        return send(builder.build(), apiKey, timeout, PhalaAnswers.RAW);
    }

    @Override
    public PhalaAnswer forwardPath(String method, String path, String body, String version, String apiKey,
                                   Duration timeout) throws Timeout, Unreachable {
        if (!path.startsWith("/api/v1/") || path.contains("..") || path.contains("#")) {
            throw new IllegalArgumentException("a forwarded path starts with /api/v1/ and holds no .. or #");
        }
        HttpRequest.Builder builder = builder(URI.create(baseUrl + path), apiKey, timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (version != null) {
            builder.setHeader("X-Phala-Version", version);
        }
        return send(builder.build(), apiKey, timeout, PhalaAnswers.RAW);
    }

    @Override
    public PhalaAnswer appCvms(String appId, String apiKey, Duration timeout) throws Timeout, Unreachable {
        HttpRequest request = builder(URI.create(appUri(appId) + "/cvms"), apiKey, timeout).GET().build();
        return send(request, apiKey, timeout, FleetJson.APP_CVMS, FleetJson.BODY_LIMIT);
    }

    @Override
    public PhalaAnswer revisions(String appId, int page, int pageSize, String apiKey, Duration timeout)
            throws Timeout, Unreachable {
        if (page < 1 || pageSize < 1 || pageSize > PhalaFleet.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page " + page + " of size " + pageSize + ": the page must be 1 or more,"
                    + " its size 1 to " + PhalaFleet.MAX_PAGE_SIZE);
        }
        HttpRequest request = builder(URI.create(appUri(appId) + "/revisions?page=" + page + "&page_size=" + pageSize),
                apiKey, timeout).GET().build();
        return send(request, apiKey, timeout, FleetJson.REVISIONS, FleetJson.BODY_LIMIT);
    }

    @Override
    public PhalaAnswer redeploy(String cvmId, String revisionId, String apiKey, Duration timeout)
            throws Timeout, Unreachable {
        HttpRequest request = builder(URI.create(cvmUri(id("cvm_id", cvmId)) + "/revisions/"
                + PathSegment.encode(id("revision_id", revisionId)) + "/redeploy"), apiKey, timeout)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return send(request, apiKey, timeout, body -> Map.of());
    }

    @Override
    public PhalaAnswer statusBatch(List<String> vmUuids, String apiKey, Duration timeout) throws Timeout, Unreachable {
        if (vmUuids.isEmpty() || vmUuids.size() > PhalaFleet.MAX_CVMS) {
            throw new IllegalArgumentException("a status batch asks about 1 to " + PhalaFleet.MAX_CVMS + " CVMs, not "
                    + vmUuids.size());
        }
        if (new HashSet<>(vmUuids).size() != vmUuids.size()
                || !vmUuids.stream().allMatch(u -> u != null && FleetJson.ID.matcher(u).matches())) {
            throw new IllegalArgumentException("a status batch takes distinct vm_uuids of 1-128 A-Z a-z 0-9 _ -");
        }
        HttpRequest request = builder(URI.create(baseUrl + "/api/v1/status/batch"), apiKey, timeout)
                .POST(HttpRequest.BodyPublishers.ofString(FleetJson.statusBatchBody(vmUuids), StandardCharsets.UTF_8))
                .build();
        return send(request, apiKey, timeout, FleetJson.statusBatch(vmUuids), FleetJson.BODY_LIMIT);
    }

    @Override
    public PhalaAnswer composeFile(String cvmId, String apiKey, Duration timeout) throws Timeout, Unreachable {
        HttpRequest request = builder(URI.create(cvmUri(id("cvm_id", cvmId)) + "/compose_file"), apiKey, timeout)
                .GET().build();
        return send(request, apiKey, timeout, FleetJson.COMPOSE_FILE, FleetJson.BODY_LIMIT);
    }

    @Override
    public PhalaAnswer revision(String appId, String revisionId, String apiKey, Duration timeout)
            throws Timeout, Unreachable {
        HttpRequest request = builder(URI.create(appUri(appId) + "/revisions/"
                + PathSegment.encode(id("revision_id", revisionId))), apiKey, timeout).GET().build();
        return send(request, apiKey, timeout, FleetJson.REVISION, FleetJson.BODY_LIMIT);
    }

    private String cvmUri(String cvmId) {
        return baseUrl + "/api/v1/cvms/" + PathSegment.encode(cvmId);
    }

    /** {@code {base}/api/v1/apps/{app_id}}: the bare hex id (an {@code app_} prefix taken off), one segment. */
    private String appUri(String appId) {
        String hex = id("app_id", appId).startsWith("app_") ? appId.substring("app_".length()) : appId;
        return baseUrl + "/api/v1/apps/" + PathSegment.encode(id("app_id", hex));
    }

    /** An id for a path: 1 to 128 characters, not {@code .} or {@code ..} (which a server may resolve). */
    private static String id(String name, String value) {
        if (value == null || value.isBlank() || value.length() > 128 || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(name + " must be 1 to 128 characters, not . or ..");
        }
        return value;
    }

    private PhalaAnswer send(HttpRequest request, String apiKey, Duration timeout, PhalaAnswers.Values values)
            throws Timeout, Unreachable {
        return send(request, apiKey, timeout, values, BoundedBody.LIMIT);
    }

    /** One exchange, at most {@code limit} bytes of its body read. */
    private PhalaAnswer send(HttpRequest request, String apiKey, Duration timeout, PhalaAnswers.Values values,
                             int limit) throws Timeout, Unreachable {
        AtomicReference<HttpResponse.ResponseInfo> head = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> exchange = client.get().sendAsync(request, info -> {
            head.set(info);
            return new BoundedBody(limit);
        });
        return answer(exchange, head, apiKey, timeout, values);
    }

    /** The PATCH as it is sent. */
    public HttpRequest request(ComposeUpdate update, String apiKey, Duration timeout) {
        return builder(composeFileUri(update.cvmId()), apiKey, timeout)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(ComposeUpdateJson.write(update), StandardCharsets.UTF_8))
                .build();
    }

    /** Every call's headers: the key, the API version, JSON both ways, the relay's name. */
    private HttpRequest.Builder builder(URI uri, String apiKey, Duration timeout) {
        return HttpRequest.newBuilder(uri)
                .header("X-API-Key", apiKey)
                .header("X-Phala-Version", apiVersion)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .timeout(timeout);
    }

    /**
     * Phala's answer once its body is read (at most {@link BoundedBody#LIMIT} bytes) or the time is up.
     * Once a status has arrived it is the answer, whatever happens to the body: a PATCH Phala may
     * have taken is never sent again because of a slow, broken or oversized body.
     */
    private PhalaAnswer answer(CompletableFuture<HttpResponse<String>> exchange,
                               AtomicReference<HttpResponse.ResponseInfo> head, String apiKey, Duration timeout,
                               PhalaAnswers.Values values)
            throws Timeout, Unreachable {
        HttpResponse<String> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return statusWithoutBody(head.get(), apiKey).orElseThrow(
                    () -> new Timeout("no answer within " + timeout.toMillis() + " ms"));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return statusWithoutBody(head.get(), apiKey).orElseThrow(
                    () -> new Unreachable("interrupted while waiting for Phala"));
        } catch (ExecutionException e) {
            Optional<PhalaAnswer> status = statusWithoutBody(head.get(), apiKey);
            if (status.isPresent()) {
                return status.get();
            }
            Exception failure = classify(e.getCause());
            if (failure instanceof Timeout late) {
                throw late;
            }
            throw (Unreachable) failure;
        }
        return PhalaAnswers.read(response.statusCode(), response.headers(), response.body(), apiKey, clock, values);
    }

    private Optional<PhalaAnswer> statusWithoutBody(HttpResponse.ResponseInfo head, String apiKey) {
        return Optional.ofNullable(head).map(h -> PhalaAnswers.read(h.statusCode(), h.headers(), "", apiKey, clock));
    }

    /** A failed exchange as a {@link Timeout} or an {@link Unreachable}. */
    private static Exception classify(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new Unreachable("connecting timed out");
        }
        if (cause instanceof HttpTimeoutException) {
            return new Timeout("no answer in time");
        }
        if (cause instanceof ConnectException) {
            return new Unreachable("connection refused");
        }
        if (cause instanceof IOException io) {
            return new Unreachable("the connection broke (" + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : ": " + io.getMessage()) + ")");
        }
        return new Unreachable("the call failed (" + cause.getClass().getSimpleName() + ")");
    }
}
