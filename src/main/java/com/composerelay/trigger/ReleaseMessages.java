package com.composerelay.trigger;

import com.composerelay.core.ImageDeploys;
import com.composerelay.core.ImageTags;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcome;
import com.composerelay.core.Pipeline;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.ReleaseChannels;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Releases on the request queue: an ECR push (the EventBridge event {@code aws.ecr} /
 * {@code ECR Image Action}, its {@code detail} with {@code action-type} {@code PUSH} and
 * {@code result} {@code SUCCESS}) is released through every release channel it matches; a
 * {@code {"release": {"channel", "tag"}}} (the Slack {@code deploy} command) through the one channel
 * named, its tag resolved to its digest in ECR; {@code {"release": {"channel", "rollback": true}}}
 * rolls the channel back ({@link ImageDeploys#rollback}).
 *
 * <p>A release that cannot be made as the channel says is a {@code rejected} outcome naming the
 * problem (to the chat as well, for a command); a push no channel matches is one log line and the
 * {@code ImagePushes} metric ({@code result=unmatched}), no outcome; one that cannot be made now
 * (channels, store, Phala, ECR or the engine unavailable) goes back to the queue.
 */
public final class ReleaseMessages {
    /** An AWS account id, as EventBridge writes it. */
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    /** An AWS region name. */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]{1,16}){1,4}");
    /** A repository name as ECR allows it. */
    private static final Pattern REPOSITORY = Pattern.compile(
            "(?:[a-z0-9]++(?:[._-][a-z0-9]++)*+/)*+[a-z0-9]++(?:[._-][a-z0-9]++)*+");
    /** An image tag as Docker and ECR allow it. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Supplier<ReleaseChannels> channels;
    private final Supplier<ImageDeploys> deploys;
    private final Supplier<ImageTags> tags;
    private final String region;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final Clock clock;
    private final com.composerelay.core.ChatReplies replies;

    /** @param region the function's own region: the registry a deploy by tag names is {@code <account>.dkr.ecr.<region>.amazonaws.com} */
    public ReleaseMessages(Supplier<ReleaseChannels> channels, Supplier<ImageDeploys> deploys, Supplier<ImageTags> tags,
                           String region, Pipeline pipeline, Metrics metrics, Clock clock) {
        this(channels, deploys, tags, region, pipeline, metrics, clock, com.composerelay.core.ChatReplies.none());
    }

    /** @param replies where a release from chat that starts nothing new says so (its rollout card says the rest) */
    public ReleaseMessages(Supplier<ReleaseChannels> channels, Supplier<ImageDeploys> deploys, Supplier<ImageTags> tags,
                           String region, Pipeline pipeline, Metrics metrics, Clock clock,
                           com.composerelay.core.ChatReplies replies) {
        this.replies = replies;
        this.channels = channels;
        this.deploys = deploys;
        this.tags = tags;
        this.region = region;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Whether a queue message's body is an ECR event (EventBridge's envelope with source {@code aws.ecr}). */
    static boolean isEcrEvent(JrsValue body) {
        return body.isObject() && "aws.ecr".equals(Json.text(body.path("source")))
                && body.get("detail-type") != null;
    }

    /** Whether a queue message's body asks for a release from chat. */
    static boolean isRelease(JrsValue body) {
        return body.isObject() && body.get("release") != null;
    }

    // ---- pushes

    /** An ECR event; true when decided (false: deliver it again). */
    boolean push(SqsMessage message, JrsValue event, Invocation invocation) {
        ImageDeploys.Image image;
        try {
            image = pushed(event);
        } catch (InvalidRequest e) {
            metrics.imagePush("unreadable");
            Log.warn("ECR event not used: " + e.getMessage(), "request_id", message.messageId());
            return true;
        }
        if (image == null) {
            metrics.imagePush("unmatched");
            Log.info("ECR event is not a successful push of a tagged image: ignored", "request_id", message.messageId(),
                    "repository", Json.text(event.path("detail").path("repository-name")));
            return true;
        }
        List<ReleaseChannel> matched;
        try {
            matched = channels.get().matching(image.repository(), image.tag());
        } catch (ReleaseChannels.Unavailable e) {
            Log.warn("image push not released, the release channels are unavailable: " + e.getMessage(),
                    "request_id", message.messageId(), "repository", image.repository(), "tag", image.tag());
            return false;
        }
        if (matched.isEmpty()) {
            metrics.imagePush("unmatched");
            Log.info("image push matches no release channel: ignored", "request_id", message.messageId(),
                    "repository", image.repository(), "tag", image.tag(), "digest", image.digest());
            return true;
        }
        metrics.imagePush("matched");
        Instant startedAt = clock.instant();
        boolean decided = true;
        for (ImageDeploys.Result result : deploys.get().release(matched, image, "push", Trigger.ECR,
                "ecr:" + image.registry().substring(0, 12), null, invocation)) {
            decided &= settle(message, result, Trigger.ECR, null, startedAt);
        }
        return decided;
    }

    /** The image an ECR event pushed; null when the event is not a successful push of a tagged image. */
    static ImageDeploys.Image pushed(JrsValue event) throws InvalidRequest {
        JrsValue detail = event.path("detail");
        if (!"ECR Image Action".equals(Json.text(event.path("detail-type")))
                || !"PUSH".equals(Json.text(detail.path("action-type")))
                || !"SUCCESS".equals(Json.text(detail.path("result")))
                || detail.path("image-tag").isMissingNode() || detail.path("image-tag").isNull()) {
            return null;
        }
        String account = field(event, "account", ACCOUNT, "a 12-digit AWS account id");
        String region = field(event, "region", REGION, "an AWS region");
        String repository = field(detail, "detail.repository-name", REPOSITORY, "an ECR repository name");
        String tag = field(detail, "detail.image-tag", TAG, "an image tag (1 to 128 of A-Z a-z 0-9 _ . -)");
        String digest = field(detail, "detail.image-digest", DIGEST, "sha256: and 64 lowercase hex digits");
        return new ImageDeploys.Image(account + ".dkr.ecr." + region + ".amazonaws.com", repository, tag, digest);
    }

    private static String field(JrsValue node, String name, Pattern pattern, String rule) throws InvalidRequest {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        JrsValue value = node.path(leaf);
        String text = Json.isText(value) ? Json.text(value) : null;
        if (text == null || text.length() > 256 || !pattern.matcher(text).matches()) {
            throw new InvalidRequest(name, "must be " + rule);
        }
        return text;
    }

    // ---- releases asked for from chat

    /** A {@code release} body; true when decided (false: deliver it again). */
    boolean release(SqsMessage message, JrsValue body, Invocation invocation) {
        Instant startedAt = clock.instant();
        JrsValue release = body.path("release");
        ReleaseChannel channel;
        String tag = null;
        boolean rollback;
        try {
            if (!release.isObject()) {
                throw new InvalidRequest("release", "must be an object with channel and tag, or channel and rollback");
            }
            String name = Json.isText(release.path("channel")) ? Json.text(release.path("channel")) : null;
            if (name == null || !CHANNEL.matcher(name).matches()) {
                throw new InvalidRequest("release.channel", "must be a release channel's name (1 to 64 of A-Z a-z 0-9 _ -)");
            }
            rollback = Json.isTrue(release.path("rollback"));
            if (!rollback) {
                tag = Json.isText(release.path("tag")) ? Json.text(release.path("tag")) : null;
                if (tag == null || !TAG.matcher(tag).matches()) {
                    throw new InvalidRequest("release.tag", "must be an image tag (1 to 128 of A-Z a-z 0-9 _ . -)");
                }
            }
            try {
                channel = channels.get().named(name);
            } catch (ReleaseChannels.Unavailable e) {
                Log.warn("release not made, the release channels are unavailable: " + e.getMessage(),
                        "request_id", message.messageId(), "channel", name);
                return false;
            }
            if (channel == null) {
                throw new InvalidRequest("release.channel", "there is no release channel named " + name);
            }
        } catch (InvalidRequest problem) {
            reject(message, message.trigger(), problem, startedAt);
            return true;
        }
        if (rollback) {
            return settle(message, deploys.get().rollback(channel, message.trigger(), message.actor(),
                    message.replyUrl(), invocation), message.trigger(), message.replyUrl(), startedAt);
        }
        ImageTags.Image found;
        try {
            found = tags.get().find(channel.repository(), tag).orElse(null);
        } catch (ImageTags.Unavailable e) {
            if (!e.refused()) {
                Log.warn("release not made: " + e.getMessage(), "request_id", message.messageId(), "channel",
                        channel.name());
                return false;
            }
            reject(message, message.trigger(), new InvalidRequest("release.tag", e.getMessage()), startedAt);
            return true;
        }
        if (found == null) {
            reject(message, message.trigger(), new InvalidRequest("release.tag", "ECR repository "
                    + channel.repository() + " has no image tagged " + tag), startedAt);
            return true;
        }
        ImageDeploys.Image image = new ImageDeploys.Image(found.registryId() + ".dkr.ecr." + region + ".amazonaws.com",
                channel.repository(), tag, found.digest());
        return settle(message, deploys.get().release(channel, image, "deploy", message.trigger(), message.actor(),
                message.replyUrl(), message.idempotencyKey(), invocation), message.trigger(), message.replyUrl(), startedAt);
    }

    // ---- results

    /** Logs or publishes one channel's result; true when decided. */
    private boolean settle(SqsMessage message, ImageDeploys.Result result, Trigger trigger, String replyUrl,
                           Instant startedAt) {
        String channel = result.channel().name();
        return switch (result) {
            case ImageDeploys.Result.Started started -> {
                Log.info(started.created() ? "release started" : "release already started", "request_id",
                        message.messageId(), "channel", channel, "rollout_id", started.rollout().rolloutId());
                if (!started.created() && replyUrl != null) {
                    replies.note(replyUrl, ":information_source: Release channel `" + channel + "`: rollout `"
                            + started.rollout().rolloutId() + "` was started for this already ("
                            + started.rollout().status() + ").");
                }
                yield true;
            }
            case ImageDeploys.Result.AlreadyRunning running -> {
                Log.info("release not started: the channel's CVMs already run this image", "request_id",
                        message.messageId(), "channel", channel, "cvm_id", running.cvmId());
                if (replyUrl != null) {
                    replies.note(replyUrl, ":information_source: Release channel `" + channel
                            + "` already runs this image: nothing to roll out.");
                }
                yield true;
            }
            case ImageDeploys.Result.Rejected rejected -> {
                reject(message, trigger, rejected.problem(), startedAt);
                yield true;
            }
            case ImageDeploys.Result.Unavailable unavailable -> {
                Log.warn("release not made now, SQS will deliver it again: " + unavailable.message(), "request_id",
                        message.messageId(), "channel", channel);
                yield false;
            }
        };
    }

    private void reject(SqsMessage message, Trigger trigger, InvalidRequest problem, Instant startedAt) {
        Log.warn("release rejected: " + problem.getMessage(), "request_id", message.messageId());
        pipeline.reject(Outcome.invalid(message.messageId(), trigger, null, null, problem, startedAt, clock.instant()),
                message.replyUrl());
    }
}
