package com.composerelay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.composerelay.config.Config;
import com.composerelay.core.Invocation;
import com.composerelay.json.Json;
import com.composerelay.startup.SnapStartHooks;
import com.composerelay.trigger.Dispatcher;
import com.composerelay.trigger.UnrecognisedEvent;
import com.composerelay.wiring.Assembly;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one Lambda entry point: recognises the event from its payload (API Gateway HTTP API 2.0,
 * REST API proxy, SQS) and hands it to its trigger. Anything else fails the invocation with an
 * {@link UnrecognisedEvent} naming what arrived.
 */
public final class RelayHandler implements RequestStreamHandler {
    /**
     * The SnapStart hooks of every handler made in this JVM, held strongly: the CRaC context (org.crac,
     * and Lambda's own) keeps registered resources only through weak references, and Lambda's runtime
     * runs a garbage collection before the checkpoint, so unreferenced hooks would never run.
     */
    private static final List<SnapStartHooks> REGISTERED_HOOKS = new CopyOnWriteArrayList<>();

    private final Dispatcher dispatcher;
    private final Clock clock;

    /** The constructor Lambda calls: configuration comes from the environment, read here once. */
    public RelayHandler() {
        this(Assembly.production(Config.from(System.getenv()),
                "snap-start".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"))));
    }

    RelayHandler(Assembly.Deployed deployed) {
        this(deployed.dispatcher(), Clock.systemUTC());
        REGISTERED_HOOKS.add(deployed.snapStart());
        deployed.snapStart().register();
    }

    public RelayHandler(Dispatcher dispatcher, Clock clock) {
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation invocation = new Invocation(context.getAwsRequestId(),
                clock.instant().plusMillis(context.getRemainingTimeInMillis()));
        JrsValue result = invocation.run(() -> {
            JrsValue event;
            try {
                event = Json.parse(input);
            } catch (Json.Malformed e) {
                throw new UnrecognisedEvent("the event " + e.getMessage() + "; nothing was forwarded");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dispatcher.dispatch(event, invocation);
        });
        output.write(Json.write(result).getBytes(StandardCharsets.UTF_8));
    }

    /** The hooks held for the runtime (for tests of what a checkpoint and a restore do). */
    static List<SnapStartHooks> registeredHooks() {
        return List.copyOf(REGISTERED_HOOKS);
    }
}
