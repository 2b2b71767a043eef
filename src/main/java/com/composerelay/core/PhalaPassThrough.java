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
}
