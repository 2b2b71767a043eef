package com.composerelay.core;

/**
 * What ties Phala's later events about a CVM to the update that caused them: the correlation id
 * its outcomes share, its compose hash, where to reply (a Slack {@code response_url}), if anywhere,
 * and the update's request id (the relay's own: an SQS message id, an API request id), which keys its
 * one final outcome ({@link FinalOutcomes}); null in a thread remembered before it was kept.
 */
public record UpdateThread(String cvmId, String correlationId, String composeHash, String replyUrl, String requestId) {

    public UpdateThread(String cvmId, String correlationId, String composeHash, String replyUrl) {
        this(cvmId, correlationId, composeHash, replyUrl, null);
    }

    /**
     * The id the update's final outcome is claimed by: its request id; for a thread remembered before
     * request ids were kept, its correlation id (what the claim was keyed by then).
     */
    public String updateId() {
        return requestId != null ? requestId : correlationId;
    }
}
