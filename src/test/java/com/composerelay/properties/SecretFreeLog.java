package com.composerelay.properties;

import com.composerelay.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * What the property classes share: each property's log captured, and checked afterwards to hold no secret;
 * and as many tries as this run asks for ({@link TriesOfThisRun}).
 */
@AddLifecycleHook(TriesOfThisRun.class)
abstract class SecretFreeLog {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeProperty
    void captureLog() {
        logged.reset();
        Log.to(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterProperty
    void noSecretLogged() {
        Log.to(System.out);
        Invariants.noSecretIn("the log", logged.toString(StandardCharsets.UTF_8));
    }
}
