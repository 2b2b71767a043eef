package com.composerelay.net;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one {@code java.net.http} client the relay makes: Phala's calls and Slack's replies share its
 * TLS context and connection pool (the AWS SDK's calls go over the SDK's apache5 client, aws/AwsClients).
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
