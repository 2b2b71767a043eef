package com.composerelay.aws;

import com.composerelay.codec.RolloutStateJson;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * A rollout's outcomes on the outcome topic, beside the updates' own: string attributes
 * {@code event} ({@code rollout.started}, {@code rollout.wave}, {@code rollout.paused},
 * {@code rollout.finished}), {@code status} (the rollout's), {@code rollout_id}, {@code trigger}
 * and (when known) {@code actor}, for filter policies; the JSON to machines and a small table of
 * CVMs to email. A publish that fails is logged whole as an error; the rollout goes on.
 */
public record SnsRolloutReports(Supplier<SnsClient> client, String topicArn, AwsCallDeadline deadline)
        implements RolloutReports {

    @Override
    public void publish(Report report) {
        String json = RolloutStateJson.report(report);
        try {
            String id = client.get().publish(request(topicArn, report, json).toBuilder()
                    .overrideConfiguration(deadline.bound()).build()).messageId();
            Log.info("rollout outcome published", "rollout_id", report.rollout().rolloutId(),
                    "event", report.kind().wire(), "status", report.rollout().status(), "sns_message_id", id);
        } catch (SdkException e) {
            Log.error("rollout outcome not published: " + e.getClass().getSimpleName(), null,
                    "rollout_id", report.rollout().rolloutId(), "event", report.kind().wire(), "outcome", json);
        }
    }

    static PublishRequest request(String topicArn, Report report, String json) {
        Map<String, Object> message = new LinkedHashMap<>();
        for (String protocol : new String[] {"default", "sqs", "lambda", "http", "email-json"}) {
            message.put(protocol, json);
        }
        message.put("email", email(report));
        return PublishRequest.builder().topicArn(topicArn).subject(subject(report)).messageStructure("json")
                .message(Json.write(Json.object(message))).messageAttributes(attributes(report)).build();
    }

    static String subject(Report report) {
        Rollout r = report.rollout();
        String what = switch (report.kind()) {
            case STARTED -> "started";
            case WAVE -> "wave " + report.wave() + " done";
            case PAUSED -> "paused after wave " + report.wave();
            case FINISHED -> r.status();
        };
        String subject = "Rollout " + what + ": " + r.rolloutId();
        return subject.length() > 100 ? subject.substring(0, 97) + "..." : subject;
    }

    /** The email text: what happened, then a line per CVM (wave, id, state, error). */
    static String email(Report report) {
        Rollout r = report.rollout();
        StringBuilder text = new StringBuilder(subject(report)).append('\n');
        if (r.release() != null) {
            Rollout.Release release = r.release();
            text.append("Release of ").append(release.channel()).append(": ").append(release.kind()).append(' ')
                    .append("rollback".equals(release.kind()) ? "of " + release.rollbackOf() + " to revision "
                            + release.revision() : release.image()).append('\n');
            for (Rollout.LineChange c : release.changes()) {
                text.append("line ").append(c.line()).append(": ").append(c.before().strip()).append(" -> ")
                        .append(c.after().strip()).append('\n');
            }
        }
        if (r.failure() != null) {
            text.append("Cause: ").append(r.failure().cvmId() == null ? "" : r.failure().cvmId() + ": ")
                    .append(r.failure().reason()).append('\n');
        }
        text.append('\n').append(String.format("%-5s %-40s %-16s %s%n", "wave", "cvm", "state", "error"));
        int lines = 0;
        for (Rollout.Wave w : r.waves()) {
            for (Rollout.Target t : w.cvms()) {
                if (++lines > 100) {
                    break;
                }
                String error = t.error() == null ? "" : t.error().length() > 120 ? t.error().substring(0, 119) + "…" : t.error();
                text.append(String.format("%-5d %-40s %-16s %s%n", w.number(), t.cvmId(), t.status(), error));
            }
        }
        return text.toString();
    }

    static Map<String, MessageAttributeValue> attributes(Report report) {
        Rollout r = report.rollout();
        Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
        a.put("event", text(report.kind().wire()));
        a.put("status", text(r.status()));
        a.put("rollout_id", text(r.rolloutId()));
        a.put("trigger", text(r.trigger().wire()));
        if (r.actor() != null) {
            a.put("actor", text(r.actor()));
        }
        if (r.release() != null) {
            // For filter policies: one channel's releases, or only rollbacks.
            a.put("release_channel", text(r.release().channel()));
            a.put("release_kind", text(r.release().kind()));
        }
        return a;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
