package com.composerelay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.composerelay.config.Config;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.json.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * The one Lambda entry point: recognises the event from its payload (API Gateway HTTP API 2.0,
 * REST API proxy, SQS) and hands it to its trigger. Anything else gets an error naming what arrived.
 */
public final class RelayHandler implements RequestStreamHandler {
    private final Dispatcher dispatcher;
    private final Clock clock;

    /** The constructor Lambda calls: configuration comes from the environment, read here once. */
    public RelayHandler() {
        this(Wiring.production(Config.from(System.getenv()),
                "snap-start".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"))));
    }

    private RelayHandler(Wiring.Deployed deployed) {
        this(deployed.dispatcher(), Clock.systemUTC());
        deployed.snapStart().register();
    }

    public RelayHandler(Dispatcher dispatcher, Clock clock) {
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        JsonNode result;
        try {
            result = dispatcher.dispatch(Json.parse(input), deadline, context.getAwsRequestId());
        } catch (Json.Malformed e) {
            Log.warn("event ignored: the event " + e.getMessage(), "lambda_request_id", context.getAwsRequestId());
            result = Dispatcher.error("the event " + e.getMessage() + "; nothing was forwarded");
        }
        output.write(Json.write(result).getBytes(StandardCharsets.UTF_8));
    }
}
