package com.composerelay.codec;

import com.composerelay.core.InvalidRequest;
import com.fasterxml.jackson.jr.stree.JrsValue;

/**
 * Which form a queue message's body is: a watch check, a rollout ({@code targets}), a whole update
 * ({@code app_compose}) or the PATCH form ({@code compose_hash}); both update forms at once is
 * refused naming the two. A rollout's reader refuses {@code compose_hash} and {@code cvm_id} by
 * name. Small on purpose: telling the forms apart loads none of the readers.
 */
public enum RequestForm {
    PATCH, WHOLE, ROLLOUT;

    public static RequestForm of(JrsValue body) throws InvalidRequest {
        if (!body.isObject()) {
            return PATCH;
        }
        if (body.get(RolloutJson.TARGETS) != null) {
            return ROLLOUT;
        }
        if (body.get(WholeUpdateJson.APP_COMPOSE) == null) {
            return PATCH;
        }
        if (body.get(ComposeUpdateJson.COMPOSE_HASH) != null) {
            throw new InvalidRequest(WholeUpdateJson.APP_COMPOSE + ", " + ComposeUpdateJson.COMPOSE_HASH, "cannot both be given: "
                    + "app_compose asks the relay to provision and commit, compose_hash commits a hash provisioned before");
        }
        return WHOLE;
    }
}
