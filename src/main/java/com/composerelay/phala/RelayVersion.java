package com.composerelay.phala;

/** The relay's version, sent in {@code User-Agent}; a test keeps it equal to the pom's. */
public final class RelayVersion {
    public static final String VALUE = "0.1.0";

    private RelayVersion() {}
}
