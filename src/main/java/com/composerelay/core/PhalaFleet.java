package com.composerelay.core;

import java.time.Duration;
import java.util.List;

/** PLACEHOLDER until the fleet port is merged. */
public interface PhalaFleet {
    String CVMS = "cvms";
    String TOTAL_PAGES = "total_pages";
    String COUNT = "count";

    PhalaAnswer appCvms(String appId, String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable;

    PhalaAnswer revisions(String appId, int page, int pageSize, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    PhalaAnswer redeploy(String cvmId, String revisionId, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    PhalaAnswer statusBatch(List<String> vmUuids, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    static String revisionKey(String vmUuid, String composeHash) {
        return "revision." + vmUuid + "." + composeHash;
    }

    static String statusKey(String vmUuid, String field) {
        return vmUuid + "." + field;
    }
}
