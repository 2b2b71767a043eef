package com.composerelay.core;

import java.util.function.Supplier;

/**
 * The pipeline's requests for the relay's own updates: the PATCH form (a commit) and the whole
 * update, each keyed by its caller's key and fingerprinted by its content. The whole update is made
 * when first asked for, so the PATCH form never pays for it.
 */
public final class Runs {
    private final Relay relay;
    private final Supplier<WholeUpdates> wholeUpdates;

    public Runs(Relay relay, Supplier<WholeUpdates> wholeUpdates) {
        this.relay = relay;
        this.wholeUpdates = wholeUpdates;
    }

    /** A commit: Phala's PATCH with the relay's rules. */
    public Pipeline.Request patch(Invocation invocation, RelayRequest request, String key, String replyUrl,
                                  boolean redelivered) {
        ComposeUpdate update = request.update();
        Outcome.Facts facts = new Outcome.Facts(request.requestId(), request.correlationId(), request.trigger(),
                update.cvmId(), update.composeHash(), 0, null, null, request.startedAt(), request.startedAt())
                .withActor(request.actor());
        return new Pipeline.Request(invocation, key, Fingerprint.of(update), facts,
                () -> new Pipeline.Done(relay.relay(request)), replyUrl, redelivered);
    }

    /** A whole update: env, provision, commit, and the watch when asked. */
    public Pipeline.Request whole(Invocation invocation, WholeRequest request, String key, String replyUrl,
                                  boolean redelivered) {
        Outcome.Facts facts = new Outcome.Facts(request.requestId(), request.correlationId(), request.trigger(),
                request.update().cvmId(), null, 0, null, null, request.startedAt(), request.startedAt())
                .withActor(request.actor());
        return new Pipeline.Request(invocation, key, Fingerprint.of(request.update()), facts,
                () -> new Pipeline.Done(wholeUpdates.get().run(request)), replyUrl, redelivered);
    }

    /** The relay, for calls forwarded with its rules (the Phala-compatible API). */
    public Relay relay() {
        return relay;
    }
}
