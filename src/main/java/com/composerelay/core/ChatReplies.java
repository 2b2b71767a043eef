package com.composerelay.core;

/**
 * Posts into the chat a request came from (Slack's {@code response_url}): an update's outcome, a
 * rollout's card, and the answers to a card's buttons. Never throws.
 */
public interface ChatReplies {
    void post(String replyUrl, Outcome outcome);

    /**
     * Posts a rollout's card at {@code replyUrl}: a new message in the channel, or ({@code replace})
     * in place of the card posted there before.
     */
    default void card(String replyUrl, RolloutReports.Report report, boolean replace) {}

    /**
     * Replaces the card a button was pressed on (the interaction's {@code responseUrl}) with the
     * rollout as it stands after the decision, without buttons, and a line saying who decided what.
     */
    default void decided(String responseUrl, Rollout rollout, String decision) {}

    /** Tells only the user who pressed a button (ephemeral, at the interaction's {@code responseUrl}) what came of it. */
    default void note(String responseUrl, String text) {}

    static ChatReplies none() {
        return (url, outcome) -> {};
    }
}
