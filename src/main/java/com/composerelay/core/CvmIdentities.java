package com.composerelay.core;

import java.util.Set;

/**
 * The ids one CVM goes by, for matching a relay token's list whatever id form a client sends: its
 * {@code cvm_<hashid>} ({@code id} from API 2026-05-22 on), its {@code vm_uuid} and its
 * {@code app_id}, read from Phala ({@code GET /cvms/{id}}). A CVM's ids never change, so an
 * adapter may keep them.
 */
public interface CvmIdentities {
    /** The ids of the CVM a request names as {@code cvmId} (that one included). */
    Set<String> of(String cvmId) throws Unavailable;

    /** Phala could not tell (unreachable, or it refused the read); the message says which. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** No lookup: a CVM goes by the id the request names only. */
    static CvmIdentities none() {
        return Set::of;
    }
}
