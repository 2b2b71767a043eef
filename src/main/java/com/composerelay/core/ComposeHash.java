package com.composerelay.core;

/** Compose hashes compared as Phala writes them: whatever their case and {@code 0x} prefix. */
public final class ComposeHash {
    private ComposeHash() {}

    public static boolean same(String a, String b) {
        return a != null && b != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String hash) {
        return hash.startsWith("0x") || hash.startsWith("0X") ? hash.substring(2) : hash;
    }
}
