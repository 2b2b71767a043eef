package com.composerelay.core;

import com.composerelay.core.Outcome.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What one whole update's steps have found so far, and the outcome's facts made from it. */
final class WholeProgress {
    /** A step's end of the run, carrying the outcome it decided. */
    static final class Stop extends Exception {
        private final transient Outcome outcome;

        Stop(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }

        Outcome outcome() {
            return outcome;
        }
    }

    private final WholeRequest request;
    private final WholeUpdate update;
    private final List<String> added;
    private final Clock clock;
    private final List<Step> steps = new ArrayList<>();
    private String composeHash;
    private String appId;
    private int attempts;
    private Integer lastStatus;
    private String phalaRequestId;

    WholeProgress(WholeRequest request, List<String> added, Clock clock) {
        this.request = request;
        this.update = request.update();
        this.added = added;
        this.clock = clock;
    }

    String composeHash() {
        return composeHash;
    }

    void composeHash(String composeHash) {
        this.composeHash = composeHash;
    }

    String appId() {
        return appId;
    }

    void appId(String appId) {
        this.appId = appId;
    }

    /** Counts a call to Phala in the run's attempts, last status and Phala request id. */
    void note(Relay.Call call) {
        attempts += call.attempts();
        if (call.lastStatus() != null) {
            lastStatus = call.lastStatus();
        }
        if (call.phalaRequestId() != null) {
            phalaRequestId = call.phalaRequestId();
        }
    }

    /** Records a step that went well. */
    void ok(String step, Relay.Call call, Instant began) {
        steps.add(new Step(step, call.attempts(), call.lastStatus(), "ok", Duration.between(began, clock.instant())));
    }

    /** Records the step that ends the run and gives its outcome, with the facts as they are now. */
    Stop stop(Outcome outcome, String step, Relay.Call call, Instant began) {
        return stop(outcome, step, call.attempts(), call.lastStatus(), outcome.status(), began);
    }

    Stop stop(Outcome outcome, String step, int stepAttempts, Integer status, String result, Instant began) {
        steps.add(new Step(step, stepAttempts, status, result, Duration.between(began, clock.instant())));
        Outcome.Facts facts = facts();
        return new Stop(switch (outcome) {
            case Outcome.Rejected r -> new Outcome.Rejected(facts, r.reason(), r.error());
            case Outcome.Failed f -> new Outcome.Failed(facts, f.reason(), f.error());
            default -> outcome;
        });
    }

    Outcome.Facts facts() {
        return new Outcome.Facts(request.requestId(), request.correlationId(), request.trigger(), update.cvmId(),
                composeHash, attempts, lastStatus, phalaRequestId, request.startedAt(), clock.instant(),
                new Outcome.WholeDetails(appId, List.copyOf(update.env().keySet()), added, steps, null), request.actor());
    }
}
