package com.composerelay.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Images released through release channels: an image pushed to ECR (every channel it matches) or a
 * tag deployed from chat (one channel). For each channel the relay reads the app compose one of the
 * channel's CVMs runs now ({@code GET /cvms/{id}/compose_file}), pins the channel's service(s) to the
 * image's digest (the {@link Releaser}: only those lines change) and starts the channel's rollout.
 *
 * <p>A push's rollout key is the channel's name and the digest: an event delivered twice, or the
 * same digest pushed under a second tag, names the rollout already started, and nothing is read
 * from Phala for it. A deploy asked for from chat is keyed by its own request.
 */
public final class ImageDeploys {
    /**
     * An image in a registry: the registry's host ({@code <account>.dkr.ecr.<region>.amazonaws.com}),
     * the repository, the tag it was pushed or asked for under (may be null), and its digest.
     */
    public record Image(String registry, String repository, String tag, String digest) {
        /** The image's name without tag or digest: what a compose file's {@code image:} must already name. */
        public String name() {
            return registry + "/" + repository;
        }

        /** The image pinned by digest, as the compose file will name it. */
        public String pinned() {
            return name() + "@" + digest;
        }
    }

    /**
     * A channel's rollout, ready to start: its start (null when nothing changes) and the lines of the
     * compose file it changes.
     */
    public record Prepared(Rollouts.Start start, List<Rollout.LineChange> changes) {
        public Prepared {
            changes = List.copyOf(changes);
        }
    }

    /**
     * Builds a channel's rollout from the app compose its CVMs run now (Phala's JSON): the image of the
     * channel's service(s) pinned to {@code image}, every other byte kept; the request kept with the
     * channel's targets, strategy and env. Refuses (naming the field) what it cannot pin with certainty.
     * No changes (the compose already names that digest) is a {@link Prepared} with none.
     */
    public interface Releaser {
        Prepared prepare(ReleaseChannel channel, String appCompose, Image image, String key) throws InvalidRequest;

        /**
         * A channel's rollback: {@code appCompose} (a revision's, Phala's JSON) as it is, to the channel's
         * targets in one wave (the channel's checks, bake and alarms; on failure it stops), env kept.
         */
        Rollouts.Start revert(ReleaseChannel channel, String appCompose, String key) throws InvalidRequest;
    }

    /** What a channel's release came to. */
    public sealed interface Result {
        ReleaseChannel channel();

        /** The rollout: started now ({@code created}), or the one this key already names. */
        record Started(ReleaseChannel channel, Rollout rollout, boolean created) implements Result {}

        /** The app already runs the image pinned by this digest (and no rollout of this key is recent): nothing started. */
        record AlreadyRunning(ReleaseChannel channel, String cvmId) implements Result {}

        /** The release cannot be made as the channel says (nothing was sent to Phala but reads): {@code problem} names why. */
        record Rejected(ReleaseChannel channel, InvalidRequest problem) implements Result {}

        /** Not now: the rollout store, Phala or the engine could not be used; the release may be asked for again. */
        record Unavailable(ReleaseChannel channel, String message) implements Result {}
    }

    private final Rollouts rollouts;
    private final RolloutStore store;
    private final Relay relay;
    private final PhalaFleet fleet;
    private final Releaser releaser;

    public ImageDeploys(Rollouts rollouts, RolloutStore store, Relay relay, PhalaFleet fleet, Releaser releaser) {
        this.rollouts = rollouts;
        this.store = store;
        this.relay = relay;
        this.fleet = fleet;
        this.releaser = releaser;
    }

    /** The key of a channel's rollout of a digest: the same for every push and deploy of that digest to that channel. */
    public static String key(ReleaseChannel channel, String digest) {
        return "release:" + channel.name() + ":" + digest;
    }

    /** Releases {@code image} through each of {@code channels}, in order; one result per channel. */
    public List<Result> release(List<ReleaseChannel> channels, Image image, String kind, Trigger trigger, String actor,
                                String replyUrl, Invocation invocation) {
        List<Result> results = new ArrayList<>();
        for (ReleaseChannel channel : channels) {
            results.add(release(channel, image, kind, trigger, actor, replyUrl, invocation));
        }
        return results;
    }

    /** Releases {@code image} through {@code channel} ({@code kind}: {@code push} or {@code deploy}). */
    public Result release(ReleaseChannel channel, Image image, String kind, Trigger trigger, String actor,
                          String replyUrl, Invocation invocation) {
        return release(channel, image, kind, trigger, actor, replyUrl, null, invocation);
    }

    /**
     * As above; a release asked for by someone ({@code request}: the request's own idempotency key, e.g.
     * a signed Slack command's) is its own rollout, once per request: a deploy of a digest after its
     * rollout failed or was rolled back deploys again. A push (no request) is once per channel and digest.
     */
    public Result release(ReleaseChannel channel, Image image, String kind, Trigger trigger, String actor,
                          String replyUrl, String request, Invocation invocation) {
        String key = request == null ? key(channel, image.digest())
                : "deploy:" + channel.name() + ":" + image.digest() + ":" + request;
        Instant deadline = invocation.deadline();
        Optional<Result> known = known(channel, key);
        if (known.isPresent()) {
            return known.get();
        }
        String cvm;
        List<String> appCvms = null;
        switch (channel.targets()) {
            case RolloutRequest.Targets.Cvms cvms -> cvm = cvms.cvmIds().getFirst();
            case RolloutRequest.Targets.App app -> {
                Relay.Call listed = relay.call(deadline, (apiKey, timeout) -> fleet.appCvms(app.appId(), apiKey, timeout));
                if (!listed.succeeded()) {
                    return failedRead(channel, listed, "targets.app_id", "the CVMs of app " + app.appId()
                            + " could not be listed");
                }
                List<String> all = PhalaFleet.list(listed.answer().value(PhalaFleet.CVMS));
                if (listed.answer().value(PhalaFleet.PROBLEM) != null || all.isEmpty()) {
                    String why = listed.answer().value(PhalaFleet.PROBLEM);
                    return rejected(channel, "targets.app_id", "Phala lists no CVM of app " + app.appId()
                            + " whose compose could be read" + (why == null ? "" : " (" + why + ")"));
                }
                cvm = all.getFirst();
                appCvms = all;
            }
        }
        Relay.Call read = relay.call(deadline, (apiKey, timeout) -> fleet.composeFile(cvm, apiKey, timeout));
        if (!read.succeeded()) {
            return failedRead(channel, read, "targets", "the compose file CVM " + cvm + " runs could not be read");
        }
        String appCompose = read.answer().value(PhalaFleet.APP_COMPOSE);
        if (appCompose == null) {
            return rejected(channel, "targets", "the compose file CVM " + cvm + " runs could not be used: "
                    + read.answer().value(PhalaFleet.PROBLEM));
        }
        Prepared prepared;
        try {
            prepared = releaser.prepare(channel, appCompose, image, key);
        } catch (InvalidRequest e) {
            String rule = e.field() != null && e.getMessage().startsWith(e.field() + ": ")
                    ? e.getMessage().substring(e.field().length() + 2) : e.getMessage();
            return new Result.Rejected(channel, new InvalidRequest(e.field(), rule + " (release channel "
                    + channel.name() + ", the compose file CVM " + cvm + " runs)"));
        }
        if (prepared.changes().isEmpty()) {
            return new Result.AlreadyRunning(channel, cvm);
        }
        Rollouts.Start start = prepared.start().by(trigger, actor).withRelease(new Rollout.Release(channel.name(), kind,
                image.repository(), image.tag(), image.digest(), image.pinned(), null, null, prepared.changes()));
        if (replyUrl != null) {
            start = start.withReplyUrl(replyUrl);
        }
        if (appCvms != null) {
            start = start.withListedCvms(appCvms); // the app's CVMs as just listed: one listing per push
        }
        return started(channel, rollouts.start(start, invocation));
    }

    /**
     * Rolls channel {@code channel} back to the revision before its last completed release (push or
     * deploy): the compose of the revision the release's first CVM ran before it
     * ({@code GET /apps/{app_id}/revisions/{revision_id}}), as a one-wave rollout of the channel's
     * targets, watched and reported like any other. Asked again for the same release, it names the
     * rollback already started.
     */
    public Result rollback(ReleaseChannel channel, Trigger trigger, String actor, String replyUrl, Invocation invocation) {
        Rollout last;
        try {
            Optional<String> lastId = store.lastRelease(channel.name());
            Optional<Rollout> found = lastId.isEmpty() ? Optional.empty() : store.find(lastId.get());
            if (found.isEmpty()) {
                return rejected(channel, "release.channel", "no completed release of this channel is recorded"
                        + " (within " + RolloutStore.RETENTION_DAYS + " days), so there is nothing to roll back");
            }
            last = found.get();
        } catch (StoreUnavailable e) {
            return new Result.Unavailable(channel, "the rollout store could not be read: " + e.getMessage());
        }
        Rollout.Target before = last.targets().stream().filter(t -> t.revisionBefore() != null && t.appId() != null)
                .findFirst().orElse(null);
        if (before == null) {
            return rejected(channel, "release.channel", "its last release " + last.rolloutId()
                    + " recorded no revision to go back to");
        }
        String key = "rollback:" + channel.name() + ":" + last.rolloutId();
        Optional<Result> known = known(channel, key);
        if (known.isPresent()) {
            return known.get();
        }
        String revision = before.revisionBefore();
        Relay.Call read = relay.call(invocation.deadline(),
                (apiKey, timeout) -> fleet.revision(before.appId(), revision, apiKey, timeout));
        if (!read.succeeded()) {
            return failedRead(channel, read, "release.channel", "revision " + revision + " of app " + before.appId()
                    + " could not be read");
        }
        String appCompose = read.answer().value(PhalaFleet.APP_COMPOSE);
        if (appCompose == null) {
            return rejected(channel, "release.channel", "revision " + revision + " of app " + before.appId()
                    + " could not be used: " + read.answer().value(PhalaFleet.PROBLEM));
        }
        Rollouts.Start start;
        try {
            start = releaser.revert(channel, appCompose, key);
        } catch (InvalidRequest e) {
            return new Result.Rejected(channel, new InvalidRequest(e.field(), "release channel " + channel.name()
                    + ", revision " + revision + ": " + e.getMessage()));
        }
        start = start.by(trigger, actor).withRelease(new Rollout.Release(channel.name(), "rollback", null, null, null,
                null, last.rolloutId(), revision, List.of()));
        if (replyUrl != null) {
            start = start.withReplyUrl(replyUrl);
        }
        return started(channel, rollouts.start(start, invocation));
    }

    /** What the rollout {@code key} already names comes to (nothing read from Phala for it), or empty. */
    private Optional<Result> known(ReleaseChannel channel, String key) {
        try {
            return rollouts.known(key).map(answer -> started(channel, answer));
        } catch (StoreUnavailable e) {
            return Optional.of(new Result.Unavailable(channel, "the rollout store could not be read: " + e.getMessage()));
        }
    }

    private static Result started(ReleaseChannel channel, Rollouts.Answer answer) {
        return switch (answer) {
            case Rollouts.Answer.Done done -> new Result.Started(channel, done.rollout(), done.created());
            case Rollouts.Answer.Refused refused when refused.status() == 503 ->
                    new Result.Unavailable(channel, refused.message());
            // A CVM still held by the channel's rollout before (a push during its bake): later, not never.
            case Rollouts.Answer.Refused refused when refused.status() == 409 ->
                    new Result.Unavailable(channel, refused.message());
            case Rollouts.Answer.Refused refused -> rejected(channel, "rollout", refused.message());
        };
    }

    /** A read that failed: Phala refused it (the channel's target is wrong: rejected), or could not answer now. */
    private static Result failedRead(ReleaseChannel channel, Relay.Call call, String field, String what) {
        if (call.rejection() != null) {
            return rejected(channel, field, what + ": " + call.error());
        }
        return new Result.Unavailable(channel, what + ": " + call.error());
    }

    private static Result rejected(ReleaseChannel channel, String field, String message) {
        return new Result.Rejected(channel, new InvalidRequest(field, "release channel " + channel.name() + ": " + message));
    }
}
