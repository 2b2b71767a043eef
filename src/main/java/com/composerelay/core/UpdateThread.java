package com.composerelay.core;

/**
 * What ties Phala's later events about a CVM to the update that caused them: the correlation id
 * its outcomes share, its compose hash, and where to reply (a Slack {@code response_url}), if anywhere.
 */
public record UpdateThread(String cvmId, String correlationId, String composeHash, String replyUrl) {}
