package com.composerelay.core;

/** Where the relay's Phala API key comes from. */
public interface ApiKeys {

    /** The key to use now (possibly cached). */
    String current() throws KeyUnavailable;

    /**
     * A fresh key after Phala refused {@code refused}: fetched anew, unless another caller already
     * replaced the refused key, in which case that newer key is returned.
     */
    String refresh(String refused) throws KeyUnavailable;

    /** The key could not be had; the message names the cause and never holds the key. */
    final class KeyUnavailable extends Exception {
        public KeyUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
