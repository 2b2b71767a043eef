package com.composerelay.core;

import java.time.Duration;

/**
 * Phala's own API as its clients call it, forwarded with the real key: the answer comes back as
 * Phala gave it ({@link #RAW_BODY}, {@link #CONTENT_TYPE} in {@link PhalaAnswer#values()}), the key
 * taken out of it, its size bounded.
 */
public interface PhalaPassThrough {
    String RAW_BODY = "raw_body";
    String CONTENT_TYPE = "content_type";

    /**
     * @param method {@code GET}, {@code POST} or {@code PATCH}
     * @param cvmId the CVM of the path, percent-encoded as one segment by the adapter
     * @param suffix what follows {@code /api/v1/cvms/{cvm_id}}: empty, {@code /compose_file} or
     *     {@code /compose_file/provision}
     * @param body the JSON body to send, or null
     * @param apiVersion the client's {@code X-Phala-Version} (the answer's shape depends on it), or null for the relay's
     */
    PhalaAnswer forward(String method, String cvmId, String suffix, String body, String apiVersion, String apiKey,
                        Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /**
     * A call to a path of Phala's API that names no single CVM ({@code /api/v1/status/batch},
     * {@code /api/v1/apps/{app_id}/revisions?…}), forwarded as {@link #forward} does.
     *
     * @param path from {@code /api/v1/} on, its segments already percent-encoded and its query
     *     built by the relay (never a caller's raw text)
     */
    default PhalaAnswer forwardPath(String method, String path, String body, String apiVersion, String apiKey,
                                    Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable {
        throw new PhalaApi.Unreachable("this pass-through forwards a CVM's paths only");
    }
}
