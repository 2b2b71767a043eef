package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * The deployment package {@code sam build} makes is the shaded jar alone, trimmed of SDK parts the
 * relay never loads (pom.xml); the other E2E tests run it under the emulator with LocalStack's
 * endpoint. This one runs it as on Lambda, without an endpoint override, in a class loader that
 * sees nothing else, so a class the trimming took away fails here instead of on Lambda.
 */
@Tag(Tags.PYTHON) // the package that `sam build` (the SAM CLI, on Python) made
class DeployedPackageE2E {
    private static final Path FUNCTION = Path.of(System.getProperty("sam.build.dir", ".aws-sam/build"), "ComposeRelayFunction");

    /** The package's files, relative to its root. */
    private static List<String> files() throws Exception {
        try (Stream<Path> files = Files.walk(FUNCTION)) {
            return files.filter(Files::isRegularFile).map(f -> FUNCTION.relativize(f).toString()).sorted().toList();
        }
    }

    @Test
    void thePackageIsTheShadedJarAloneInLib() throws Exception {
        assertThat(files()).singleElement(InstanceOfAssertFactories.STRING)
                .matches("lib/compose-relay-[0-9][^/]*\\.jar");
    }

    @Test
    void awsCallsAndTheSqsClientRunFromTheJarAloneWithoutAnEndpointOverride() throws Exception {
        Path jar = FUNCTION.resolve(files().get(0));
        URL probe = Path.of("target", "test-classes").toUri().toURL();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {jar.toUri().toURL(), probe}, ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            Callable<String> run = (Callable<String>) isolated.loadClass(DeployedPackageProbe.class.getName())
                    .getDeclaredConstructor().newInstance();

            assertThat(run.call()).isEqualTo(String.join("|",
                    "priming",                                  // GetSecretValue, the canned secret's api_key
                    "Claimed[]",                                // the idempotency claim (PutItem) and record
                    "priming",                                  // Publish: the canned message id
                    "sqs",                                      // the hand-off's client, built
                    "https://sqs.us-east-1.amazonaws.com",      // and its endpoint from the rules
                    jar.getFileName().toString()));             // the relay's classes came from the package
        }
    }
}
