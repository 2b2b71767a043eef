package com.composerelay.core;

/** Posts a line into the chat a request came from (Slack's {@code response_url}). Never throws. */
public interface ChatReplies {
    void post(String replyUrl, String text);

    static ChatReplies none() {
        return (url, text) -> {};
    }
}
