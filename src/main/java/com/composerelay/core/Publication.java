package com.composerelay.core;

/**
 * The pipeline's publish step, the one way an outcome leaves the relay: written as JSON once,
 * logged, counted, published, remembered as its CVM's thread when accepted, and posted to the chat
 * it came from, if any.
 */
public record Publication(OutcomeWriter writer, PipelineLog log, Metrics metrics, Outcomes outcomes,
                          UpdateThreads threads, ChatReplies replies) {

    /** Publishes {@code outcome} (replying at {@code replyUrl} when not null) and returns its JSON. */
    public String publish(Outcome outcome, String replyUrl) {
        String json = writer.json(outcome);
        publish(outcome, json, replyUrl);
        return json;
    }

    /** The same, with the outcome's JSON already written. */
    public void publish(Outcome outcome, String json, String replyUrl) {
        log.decided(outcome);
        metrics.decided(outcome);
        outcomes.publish(outcome, json);
        Outcome.Facts f = outcome.facts();
        if (outcome instanceof Outcome.Accepted) {
            threads.remember(new UpdateThread(f.cvmId(), f.correlationId(), f.composeHash(), replyUrl, f.requestId()));
        }
        if (replyUrl != null) {
            replies.post(replyUrl, outcome);
        }
    }

    /** The outcome's JSON, for an outcome that is answered but not published. */
    public String json(Outcome outcome) {
        return writer.json(outcome);
    }

    /** The chat thread of the update {@code requestId} on {@code cvmId}, when it came from a chat and is remembered. */
    public String replyUrlOf(String cvmId, String requestId) {
        return threads.find(cvmId).filter(thread -> thread.updateId().equals(requestId))
                .map(UpdateThread::replyUrl).orElse(null);
    }

    /** The remembered thread of {@code cvmId}, if any. */
    public java.util.Optional<UpdateThread> threadOf(String cvmId) {
        return threads.find(cvmId);
    }
}
