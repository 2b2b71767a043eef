package com.composerelay.phala;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads at most {@code limit} bytes of an answer's body and lets the rest go (the connection is then
 * closed): what the relay reads of Phala's answers is an error's {@code detail}, a few values, or a
 * fleet's list (read with a larger limit, {@code FleetJson.BODY_LIMIT}), never worth more, and an
 * answer of any size must not exhaust the function's memory. A body that breaks off is
 * read as far as it came: the status it follows still stands.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {
    /** Enough for any error Phala documents; what is past it is not read. */
    static final int LIMIT = 64 * 1024;

    private final int limit;
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int take = Math.min(buffer.remaining(), limit - read.size());
            byte[] bytes = new byte[take];
            buffer.get(bytes);
            read.write(bytes, 0, take);
            if (read.size() >= limit) {
                subscription.cancel();
                finish();
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
        finish();
    }

    @Override
    public void onComplete() {
        finish();
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    private void finish() {
        body.complete(read.toString(StandardCharsets.UTF_8));
    }
}
