package com.composerelay.slack;

import com.composerelay.codec.Quoted;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rollout's card in Slack, as a {@code response_url} message of Block Kit blocks: a header (the
 * rollout id and status), a summary (what happened, the compose hash, how many CVMs are in which
 * state, the cause of a failure), a line per CVM (wave, id, state, error), and while the rollout is
 * paused an {@code actions} block with Approve and Abort. Bounded well within Slack's limits (50
 * blocks, 3000 characters per text): at most {@link #MAX_LINES} CVM lines, {@link #LINES_PER_SECTION}
 * to a section, then "…and N more". Every value from outside (ids, hashes, errors) is quoted inert.
 */
public final class RolloutCard {
    /** The action ids of the buttons, which {@code /slack/interactions} answers. */
    public static final String APPROVE = "rollout_approve";
    public static final String ABORT = "rollout_abort";
    static final String BLOCK_ID = "rollout_decision";
    /** Slack's limits: blocks per message, characters per section text. */
    static final int MAX_BLOCKS = 50;
    static final int MAX_TEXT = 3000;
    static final int MAX_LINES = 50;
    static final int LINES_PER_SECTION = 10;
    private static final int MAX_ERROR = 150;
    private static final int MAX_CVM = 80;
    private static final List<String> STATE_ORDER = List.of("healthy", "updating", "pending", "failed", "rolling_back",
            "rolled_back", "rollback_failed");

    private RolloutCard() {}

    /** The message for a report: a new card ({@code replace} false) or the one before replaced. */
    public static Map<String, Object> message(RolloutReports.Report report, boolean replace) {
        Rollout r = report.rollout();
        boolean buttons = report.kind() == RolloutReports.Kind.PAUSED && "paused".equals(r.status())
                && report.wave() != null;
        return message(r, event(report), buttons ? report.wave() : null, replace);
    }

    /** The card after a button decided the pause: the rollout as it stands, who decided, no buttons. */
    public static Map<String, Object> decided(Rollout rollout, String decision) {
        return message(rollout, decision, null, true);
    }

    private static Map<String, Object> message(Rollout r, String event, Integer pauseWave, boolean replace) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("response_type", "in_channel");
        m.put("replace_original", replace);
        m.put("text", "Rollout " + r.rolloutId() + ": " + r.status());
        m.put("blocks", blocks(r, event, pauseWave));
        return m;
    }

    static List<Object> blocks(Rollout r, String event, Integer pauseWave) {
        List<Object> blocks = new ArrayList<>();
        blocks.add(obj("type", "header", "text", plain("Rollout " + r.rolloutId() + ": " + r.status())));
        blocks.add(section(summary(r, event)));
        List<Rollout.Target> shown = new ArrayList<>();
        List<Integer> waveOf = new ArrayList<>();
        int total = 0;
        for (Rollout.Wave w : r.waves()) {
            for (Rollout.Target t : w.cvms()) {
                total++;
                if (shown.size() < MAX_LINES) {
                    shown.add(t);
                    waveOf.add(w.number());
                }
            }
        }
        StringBuilder text = new StringBuilder();
        int lines = 0;
        for (int i = 0; i < shown.size(); i++) {
            String line = line(waveOf.get(i), shown.get(i));
            if (lines == LINES_PER_SECTION || text.length() + 1 + line.length() > MAX_TEXT) {
                blocks.add(section(text.toString()));
                text.setLength(0);
                lines = 0;
            }
            text.append(lines == 0 ? "" : "\n").append(line);
            lines++;
        }
        if (lines > 0) {
            blocks.add(section(text.toString()));
        }
        if (total > shown.size()) {
            blocks.add(obj("type", "context", "elements", List.of(mrkdwn("…and " + (total - shown.size())
                    + " more CVMs: `GET /rollouts/" + r.rolloutId() + "` lists them all."))));
        }
        if (pauseWave != null) {
            blocks.add(actions(r.rolloutId(), pauseWave));
        }
        return blocks;
    }

    private static String event(RolloutReports.Report report) {
        Rollout r = report.rollout();
        return switch (report.kind()) {
            case STARTED -> ":arrow_forward: *Started*";
            case WAVE -> ":arrows_counterclockwise: *Wave " + report.wave() + " done*";
            case PAUSED -> "paused".equals(r.status())
                    ? ":double_vertical_bar: *Paused after wave " + report.wave() + "*: *Approve* goes on with the"
                            + " next wave, *Abort* stops the rollout here."
                    : ":double_vertical_bar: *Paused after wave " + report.wave() + "*, and decided since.";
            case FINISHED -> switch (r.status()) {
                case "completed" -> ":white_check_mark: *Completed*";
                case "rolled_back" -> ":leftwards_arrow_with_hook: *Rolled back*";
                case "rollback_failed" -> ":rotating_light: *Rollback failed*";
                case "cancelled" -> ":no_entry_sign: *Cancelled*";
                default -> ":x: *Failed*";
            };
        };
    }

    private static String summary(Rollout r, String event) {
        StringBuilder s = new StringBuilder(event).append('\n');
        s.append("Compose ").append(r.composeHash() == null ? "not prepared yet" : Quoted.code(shortHash(r.composeHash())));
        Map<String, Integer> counts = new TreeMap<>((a, b) -> {
            int ia = STATE_ORDER.indexOf(a);
            int ib = STATE_ORDER.indexOf(b);
            return ia >= 0 && ib >= 0 ? Integer.compare(ia, ib) : ia >= 0 ? -1 : ib >= 0 ? 1 : a.compareTo(b);
        });
        r.targets().forEach(t -> counts.merge(t.status(), 1, Integer::sum));
        counts.forEach((state, n) -> s.append(" · ").append(n).append(' ').append(Quoted.mrkdwn(state)));
        Rollout.Release release = r.release();
        if (release != null) {
            s.append("\n*Release* ").append(Quoted.code(clip(release.channel(), 64))).append(": ");
            if ("rollback".equals(release.kind())) {
                s.append("rollback of ").append(Quoted.code(clip(release.rollbackOf(), 40))).append(" to revision ")
                        .append(Quoted.code(clip(release.revision(), 80)));
            } else {
                s.append(release.kind()).append(' ').append(Quoted.code(clip(release.image(), 300)))
                        .append(release.tag() == null ? "" : " (tag " + Quoted.code(clip(release.tag(), 128)) + ")");
            }
            for (Rollout.LineChange c : release.changes()) {
                s.append("\nline ").append(c.line()).append(": ").append(Quoted.code(clip(c.before().strip(), 300)))
                        .append(" → ").append(Quoted.code(clip(c.after().strip(), 300)));
            }
        }
        if (r.failure() != null) {
            s.append("\n*Cause:* ").append(r.failure().cvmId() == null ? "" : Quoted.code(clip(r.failure().cvmId(),
                    MAX_CVM)) + ": ").append(inert(r.failure().reason(), 300));
        }
        return clip(s.toString(), MAX_TEXT);
    }

    private static String line(int wave, Rollout.Target t) {
        String line = "wave " + wave + " · " + Quoted.code(clip(t.cvmId(), MAX_CVM)) + " · " + Quoted.mrkdwn(t.status());
        return t.error() == null || t.error().isBlank() ? line : line + " · " + inert(t.error(), MAX_ERROR);
    }

    private static Map<String, Object> actions(String rolloutId, int wave) {
        Map<String, Object> approve = button(APPROVE, "Approve", "primary", "approve:" + rolloutId + ":" + wave);
        Map<String, Object> abort = button(ABORT, "Abort", "danger", "abort:" + rolloutId + ":" + wave);
        Map<String, Object> confirm = new LinkedHashMap<>();
        confirm.put("title", plain("Abort the rollout?"));
        confirm.put("text", plain("Rollout " + rolloutId + " stops at its pause after wave " + wave + "."));
        confirm.put("confirm", plain("Abort"));
        confirm.put("deny", plain("Keep it paused"));
        confirm.put("style", "danger");
        abort.put("confirm", confirm);
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "actions");
        block.put("block_id", BLOCK_ID);
        block.put("elements", List.of(approve, abort));
        return block;
    }

    private static Map<String, Object> button(String actionId, String label, String style, String value) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "button");
        b.put("action_id", actionId);
        b.put("text", plain(label));
        b.put("style", style);
        b.put("value", value);
        return b;
    }

    private static Map<String, Object> section(String text) {
        return obj("type", "section", "text", mrkdwn(text));
    }

    private static Map<String, Object> mrkdwn(String text) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", "mrkdwn");
        t.put("text", text);
        return t;
    }

    private static Map<String, Object> plain(String text) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", "plain_text");
        t.put("text", clip(text, 150));
        return t;
    }

    private static Map<String, Object> obj(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static String shortHash(String hash) {
        String h = hash.startsWith("0x") ? hash.substring(2) : hash;
        return h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }

    /** {@code text} as inert mrkdwn ({@link Quoted#mrkdwn}), at most {@code limit} characters once escaped. */
    static String inert(String text, int limit) {
        StringBuilder out = new StringBuilder();
        int[] points = text.codePoints().toArray();
        for (int i = 0; i < points.length; i++) {
            String piece = Quoted.mrkdwn(new String(Character.toChars(points[i])));
            boolean last = i == points.length - 1;
            if (out.length() + piece.length() > (last ? limit : limit - 1)) {
                return out.append('…').toString();
            }
            out.append(piece);
        }
        return out.toString();
    }

    private static String clip(String text, int limit) {
        return text == null ? "" : text.length() > limit ? text.substring(0, limit - 1) + "…" : text;
    }
}
