package com.composerelay.support;

import com.composerelay.core.Outcome;
import com.composerelay.core.Outcomes;
import java.util.ArrayList;
import java.util.List;

/** Keeps every published outcome, in order. */
public final class RecordingOutcomes implements Outcomes {
    private final List<Outcome> published = new ArrayList<>();

    @Override
    public synchronized void publish(Outcome outcome, String json) {
        published.add(outcome);
    }

    public synchronized List<Outcome> published() {
        return List.copyOf(published);
    }
}
