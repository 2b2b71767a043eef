package com.composerelay.support;

/**
 * The JUnit tags of tests that need something besides the JDK. A plain {@code ./mvnw test}
 * ({@code ./run-tests.sh --quick}) leaves them out (pom.xml: surefire's {@code excludedGroups});
 * {@code ./run-tests.sh} installs and starts what they need and runs them all (profile {@code e2e}).
 */
public final class Tags {
    /** LocalStack on {@code localstack.endpoint} (scripts/localstack.sh). */
    public static final String LOCALSTACK = "localstack";
    /** The {@code sam build} package under Lambda's Runtime Interface Emulator (scripts/rie.sh, scripts/ric.sh). */
    public static final String EMULATOR = "emulator";
    /** A Python: python3 itself, a pinned venv (scripts/crosscheck-python.sh, scripts/phala-clients.sh) or the SAM CLI. */
    public static final String PYTHON = "python";
    /** Node with npm: Phala's CLI (scripts/phala-clients.sh). */
    public static final String NODE = "node";
    /** Go and its module proxy: actionlint, built by scripts/actionlint.sh (which also pins its ShellCheck in a venv). */
    public static final String GO = "go";

    private Tags() {}
}
