package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.HttpFront;
import com.composerelay.local.LocalDeployment;

/** How the end-to-end tests behind the HTTP front end: the front, then the stack, whose log must hold no secret. */
final class Teardown {
    private Teardown() {}

    static void close(HttpFront front, LocalDeployment stack, String... secrets) {
        if (front != null) {
            front.close();
        }
        if (stack != null) {
            String log = stack.function.log();
            stack.close();
            assertThat(log).as("function log").doesNotContain(LocalDeployment.SAMPLE_API_KEY);
            for (String secret : secrets) {
                assertThat(log).as("function log").doesNotContain(secret);
            }
        }
    }
}
