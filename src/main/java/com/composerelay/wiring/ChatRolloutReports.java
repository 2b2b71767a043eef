package com.composerelay.wiring;

import com.composerelay.core.ChatReplies;
import com.composerelay.core.RolloutReports;
import com.composerelay.log.Log;

/**
 * A rollout's reports to both places: the outcome topic (every report) and, for a rollout that
 * came with a reply URL (a Slack hand-off), its card in the chat: posted on {@code rollout.started},
 * then replaced on each later report. The last wave's report is not posted to the chat, since the
 * final one follows at once and Slack takes only 5 posts per {@code response_url}. Posting to the
 * chat never throws: a failure is logged and the topic has the outcome.
 */
record ChatRolloutReports(RolloutReports topic, ChatReplies chat) implements RolloutReports {

    @Override
    public void publish(Report report) {
        topic.publish(report);
        String url = report.rollout().replyUrl();
        if (url == null || lastWave(report)) {
            return;
        }
        try {
            chat.card(url, report, report.kind() != Kind.STARTED);
        } catch (RuntimeException e) {
            Log.warn("rollout card not posted: " + e.getClass().getSimpleName(), "rollout_id",
                    report.rollout().rolloutId(), "event", report.kind().wire());
        }
    }

    private static boolean lastWave(Report report) {
        return report.kind() == Kind.WAVE && report.wave() != null
                && report.rollout().waves().stream().allMatch(w -> w.number() <= report.wave());
    }
}
