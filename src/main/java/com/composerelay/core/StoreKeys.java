package com.composerelay.core;

/**
 * Every kind of key in the relay's table, in one place: its prefix, the port it is used through,
 * who writes it and how long it lives. Items expire {@code IDEMPOTENCY_TTL_SECONDS} after their last
 * write (DynamoDB's TTL attribute {@code expiration}); a claim or lock not completed is also free
 * again once its holder's time ({@code hold_until}) has passed. docs/ARCHITECTURE.md shows the layout.
 */
public enum StoreKeys {
    /** An IAM-signed request with an {@code Idempotency-Key} header (PATCH and whole update routes). */
    REQUEST_HEADER("api:", Job.CLAIM, "ApiGatewayTrigger", "the TTL"),
    /** An IAM-signed PATCH without a header: keyed by its content. */
    REQUEST_PATCH("update:", Job.CLAIM, "ApiGatewayTrigger", "the TTL"),
    /** An IAM-signed whole update without a header: keyed by its content. */
    REQUEST_WHOLE("whole:", Job.CLAIM, "ApiGatewayTrigger", "the TTL"),
    /** A CI hook's signed body: keyed by its SHA-256, outliving the signature's window. */
    REQUEST_HOOK("hook:", Job.CLAIM, "HookTrigger", "the TTL"),
    /** A queued request: its Slack key, FIFO deduplication id, or message id. */
    REQUEST_SQS("sqs:", Job.CLAIM, "SqsTrigger", "the TTL"),
    /** A call of the Phala-compatible API that changes a CVM: the client's key or its HTTP request id. */
    REQUEST_PHALA_API("phala-api:", Job.CLAIM, "PhalaApiTrigger", "the TTL"),
    /** A slash command, queued once: held until Slack's signature window has passed. */
    SLACK_COMMAND("slack:", Job.LOCK, "SlackCommandTrigger", "the signature window, then the TTL"),
    /** One pause's Approve or Abort button on a rollout's Slack card, used once: rollout id {@code :} wave. */
    SLACK_ACTION("slack-action:", Job.LOCK, "SlackInteractionsTrigger", "the TTL"),
    /** One Phala webhook event, handled once. */
    PHALA_EVENT("phala-event:", Job.LOCK, "PhalaEventsTrigger", "the TTL"),
    /** One update's final outcome ({@code completed} or {@code failed}), published once. */
    FINAL_OUTCOME("final:", Job.LOCK, "FinalOutcomes", "the TTL"),
    /** The last accepted update of a CVM, which Phala's later events join. */
    THREAD("thread:", Job.RECORD, "UpdateThreads (DynamoDbUpdateThreads)", "the TTL"),
    /** One step of a rollout's task done once (a CVM's commit or redeploy, an outcome published). */
    ROLLOUT_STEP("rollout-step:", Job.LOCK, "RolloutTasks", "the TTL"),
    /** A rollout's record: its waves and CVMs, versioned. */
    ROLLOUT("rollout:", Job.RECORD, "RolloutStore (DynamoDbRollouts)", RolloutStore.RETENTION_DAYS + " days"),
    /** The request a rollout was asked with. */
    ROLLOUT_REQUEST("rollout-request:", Job.RECORD, "RolloutStore (DynamoDbRollouts)",
            RolloutStore.RETENTION_DAYS + " days"),
    /** The env sealed for one app of a rollout, until its lead CVM's commit. */
    ROLLOUT_ENV("rollout-env:", Job.RECORD, "RolloutStore (DynamoDbRollouts)", RolloutStore.RETENTION_DAYS + " days"),
    /** A release channel's last completed release (push or deploy): the rollout a {@code rollback} undoes. */
    RELEASE_LAST("release-last:", Job.RECORD, "RolloutStore (DynamoDbRollouts)", RolloutStore.RETENTION_DAYS + " days"),
    /** Which rollout holds a CVM: one running rollout per CVM. */
    ROLLOUT_CVM("rollout-cvm:", Job.LOCK, "RolloutStore (DynamoDbRollouts)",
            "until the rollout ends, at most " + RolloutStore.RETENTION_DAYS + " days"),
    /**
     * A relay token revoked by its holder ({@code DELETE /api/v1/tokens/self}): the token's SHA-256,
     * read on every use of the token. Kept until the token's {@code expires_at} (past it the token is
     * refused anyway), or {@link TokenRevocations#WITHOUT_EXPIRY_DAYS} days for a token without one.
     */
    TOKEN_REVOKED("token-revoked:", Job.RECORD, "TokenRevocations (TokenCheck, PhalaApiTrigger)",
            "until the token's expires_at, or " + TokenRevocations.WITHOUT_EXPIRY_DAYS + " days without one"),
    /** Written by SnapStart priming before a snapshot, never read. */
    PRIMING("priming", Job.CLAIM, "Priming", "the TTL");

    /** Which port a key is used through. */
    public enum Job { CLAIM, LOCK, RECORD }

    private final String prefix;
    private final Job job;
    private final String owner;
    private final String lifetime;

    StoreKeys(String prefix, Job job, String owner, String lifetime) {
        this.prefix = prefix;
        this.job = job;
        this.owner = owner;
        this.lifetime = lifetime;
    }

    /** The key of {@code id} of this kind. */
    public String of(String id) {
        return prefix + id;
    }

    public String prefix() {
        return prefix;
    }

    public Job job() {
        return job;
    }

    public String owner() {
        return owner;
    }

    public String lifetime() {
        return lifetime;
    }
}
