package com.composerelay.properties;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Each property's tries, scaled by the system property {@code tests.tries.percent} (pom.xml): a share
 * of them in the quick run ({@code ./mvnw test}), all of them in the full run ({@code ./run-tests.sh},
 * profile {@code e2e}: 100). Every property still runs, with its edge cases.
 */
public final class TriesOfThisRun implements AroundPropertyHook {
    static final String PERCENT = "tests.tries.percent";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String setting = System.getProperty(PERCENT, "");
        int percent = setting.isBlank() ? 100 : Integer.parseInt(setting.strip());
        context.attributes().tries().ifPresent(tries ->
                context.attributes().setTries(Math.max(1, (int) ((long) tries * percent / 100))));
        return property.execute();
    }

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }
}
