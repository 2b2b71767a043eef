package com.composerelay.net;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one {@code java.net.http} client the relay makes: Phala's calls, Slack's replies and the AWS
 * SDK's calls (through the relay's own SDK HTTP client) share its TLS context and connection pool.
 */
public final class HttpClients {
    private HttpClients() {}

    /** HTTP/1.1, redirects never followed (the key must not travel to another host), a bounded connect time. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }
}
