package com.composerelay.core;

/** Posts an outcome into the chat a request came from (Slack's {@code response_url}). Never throws. */
public interface ChatReplies {
    void post(String replyUrl, Outcome outcome);

    static ChatReplies none() {
        return (url, outcome) -> {};
    }
}
