package com.composerelay.codec;

import com.composerelay.core.Outcome;

/** Outcomes as people read them: one line for chat, a few for email. */
public final class OutcomeText {
    private OutcomeText() {}

    public static String title(Outcome outcome) {
        String cvm = outcome.facts().cvmId() == null ? "(no valid cvm_id)" : outcome.facts().cvmId();
        return switch (outcome) {
            case Outcome.Accepted a -> "Compose update accepted: " + cvm + " is restarting";
            case Outcome.Completed c -> "Compose update completed: " + cvm + " is running (" + c.event() + ")";
            case Outcome.Rejected r -> "Compose update rejected: " + cvm;
            case Outcome.Failed f -> "Compose update failed: " + cvm;
        };
    }

    /** One line for Slack, with its mrkdwn; every value in it is {@link Quoted quoted}, so it can neither mention nor break out. */
    public static String chatLine(Outcome outcome) {
        String cvm = outcome.facts().cvmId() == null ? "(no valid cvm_id)" : Quoted.code(outcome.facts().cvmId());
        String hash = outcome.facts().composeHash() == null ? ""
                : " with compose " + Quoted.code(shortHash(outcome.facts().composeHash()));
        return switch (outcome) {
            case Outcome.Accepted a -> ":arrows_counterclockwise: Phala accepted the update: " + cvm + " is restarting" + hash + ".";
            case Outcome.Completed c -> ":white_check_mark: " + cvm + " is running" + hash + " (" + Quoted.mrkdwn(c.event()) + ").";
            case Outcome.Rejected r -> ":x: Update of " + cvm + " refused: " + Quoted.mrkdwn(r.error());
            case Outcome.Failed f -> ":warning: Update of " + cvm + " failed: " + Quoted.mrkdwn(f.error());
        };
    }

    /** A short plain-text body for email subscribers: the title, then one line per field, each value folded to that line. */
    public static String email(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        StringBuilder text = new StringBuilder(Quoted.oneLine(title(outcome))).append("\n\n");
        line(text, "Status", outcome.status());
        line(text, "CVM", f.cvmId());
        line(text, "Compose hash", f.composeHash());
        line(text, "Error", outcome.error());
        line(text, "Trigger", f.trigger().wire());
        line(text, "Attempts", String.valueOf(f.attempts()));
        line(text, "Phala status", f.httpStatus() == null ? null : String.valueOf(f.httpStatus()));
        line(text, "Request id", f.requestId());
        line(text, "Correlation id", f.correlationId());
        line(text, "Phala request id", f.phalaRequestId());
        line(text, "Started", f.startedAt() == null ? null : f.startedAt().toString());
        line(text, "Finished", f.finishedAt() == null ? null : f.finishedAt().toString());
        return text.toString();
    }

    static String shortHash(String hash) {
        return hash.length() > 14 ? hash.substring(0, 12) + "…" : hash;
    }

    private static void line(StringBuilder text, String name, String value) {
        if (value != null) {
            text.append(name).append(": ").append(Quoted.oneLine(value)).append('\n');
        }
    }
}
