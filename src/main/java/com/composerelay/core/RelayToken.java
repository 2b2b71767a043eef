package com.composerelay.core;

import java.util.List;

/**
 * One relay token as the tokens secret lists it: a name (the outcome's {@code actor}), the SHA-256
 * of the token (the token itself is never stored), and the CVMs it may update ({@code *}: every one).
 */
public record RelayToken(String name, String sha256, List<String> cvms) {
    public RelayToken {
        cvms = List.copyOf(cvms);
    }

    public boolean allows(String cvmId) {
        return cvms.contains("*") || cvms.contains(cvmId);
    }
}
