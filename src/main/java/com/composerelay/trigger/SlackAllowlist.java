package com.composerelay.trigger;

import java.util.ArrayList;
import java.util.List;

/**
 * Who may update which CVMs from Slack. Rules are {@code team/channel/user=cvm,cvm} separated by
 * {@code ;}; {@code *} matches any team, channel or user, and a CVM pattern may end with {@code *}
 * (a prefix). Example: "T0123/C0456/U0789=cvm_web*,cvm_api" lets one user update those CVMs from one
 * channel; an asterisk for the user lets everyone in that channel. No rules: nobody may.
 */
public final class SlackAllowlist {

    private record Rule(String team, String channel, String user, List<String> cvms) {
        boolean allows(String t, String c, String u, String cvm) {
            return matches(team, t) && matches(channel, c) && matches(user, u)
                    && cvms.stream().anyMatch(p -> p.equals("*") || p.equals(cvm)
                            || (p.endsWith("*") && cvm.startsWith(p.substring(0, p.length() - 1))));
        }

        private static boolean matches(String pattern, String value) {
            return pattern.equals("*") || pattern.equals(value);
        }
    }

    private final List<Rule> rules;

    private SlackAllowlist(List<Rule> rules) {
        this.rules = rules;
    }

    /** Parses the rules; a malformed rule fails with a message that quotes it. */
    public static SlackAllowlist parse(String text) {
        List<Rule> rules = new ArrayList<>();
        if (text != null) {
            for (String raw : text.split(";")) {
                String rule = raw.strip();
                if (rule.isEmpty()) {
                    continue;
                }
                int eq = rule.indexOf('=');
                String[] who = eq < 0 ? new String[0] : rule.substring(0, eq).strip().split("/");
                if (who.length != 3 || rule.substring(eq + 1).isBlank()) {
                    throw new IllegalArgumentException("rule '" + rule + "' is not team/channel/user=cvm[,cvm]");
                }
                List<String> cvms = new ArrayList<>();
                for (String cvm : rule.substring(eq + 1).split(",")) {
                    if (!cvm.isBlank()) {
                        cvms.add(cvm.strip());
                    }
                }
                rules.add(new Rule(who[0].strip(), who[1].strip(), who[2].strip(), List.copyOf(cvms)));
            }
        }
        return new SlackAllowlist(List.copyOf(rules));
    }

    public boolean allows(String team, String channel, String user, String cvmId) {
        return rules.stream().anyMatch(r -> r.allows(team, channel, user, cvmId));
    }
}
