package com.composerelay.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The words for an on-chain KMS's registration: what to register after the provision, and the commit's 465-468. */
final class OnChainWording {
    private OnChainWording() {}

    /** What an on-chain registration needs, from the provision's answer. */
    static String registration(PhalaAnswer provisioned) {
        StringBuilder text = new StringBuilder("compose hash ").append(provisioned.value(PhalaProvisioning.COMPOSE_HASH));
        appendIf(text, "app id", provisioned.value(PhalaProvisioning.APP_ID));
        appendIf(text, "device id", provisioned.value(PhalaProvisioning.DEVICE_ID));
        appendIf(text, "kms_info", provisioned.value(PhalaProvisioning.KMS_INFO));
        return text.toString();
    }

    /** The commit's 465-468 in words, with the details Phala gave. */
    static String commitRefused(int status, PhalaAnswer refused, String composeHash, String appId) {
        String what = switch (status) {
            case 465 -> "the compose hash must be registered on chain before the update: register compose hash "
                    + composeHash + (appId == null ? "" : " for app " + appId) + " in the app's KMS contract, then send"
                    + " the request again";
            case 466 -> "the compose hash's on-chain registration has expired: register compose hash " + composeHash
                    + " again, then send the request again";
            case 467 -> "the on-chain registration transaction could not be verified: check the transaction that"
                    + " registered compose hash " + composeHash;
            default -> "compose hash " + composeHash + " was not found on chain: register it in the app's KMS"
                    + " contract, then send the request again";
        };
        StringBuilder text = new StringBuilder("Phala answered ").append(status).append(": ").append(what);
        if (refused != null) {
            List<String> details = new ArrayList<>();
            refused.values().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(PhalaProvisioning.DETAIL_PREFIX))
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> details.add(e.getKey().substring(PhalaProvisioning.DETAIL_PREFIX.length())
                            + " " + e.getValue()));
            if (!details.isEmpty()) {
                text.append(" (Phala's details: ").append(String.join(", ", details)).append(')');
            } else if (refused.detail() != null) {
                text.append(" (Phala: ").append(refused.detail()).append(')');
            }
        }
        return text.toString();
    }

    private static void appendIf(StringBuilder text, String name, String value) {
        if (value != null) {
            text.append(", ").append(name).append(' ').append(value);
        }
    }
}
