package com.composerelay.core;

/** Where the pipeline writes down what it decided (log lines); never throws. */
public interface PipelineLog {
    /** An outcome was decided and is being published. */
    void decided(Outcome outcome);

    /** A duplicate was answered as recorded; nothing was sent. */
    void replayed(String requestId, String key);

    /** The answer could not be recorded; the key stays in progress until its holder's deadline. */
    void notRecorded(String requestId, String key, String problem);

    static PipelineLog none() {
        return new PipelineLog() {
            @Override
            public void decided(Outcome outcome) {}

            @Override
            public void replayed(String requestId, String key) {}

            @Override
            public void notRecorded(String requestId, String key, String problem) {}
        };
    }
}
