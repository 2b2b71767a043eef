package com.composerelay.codec;

import com.composerelay.core.InvalidRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pins the image of compose services by digest, changing only each service's {@code image:} line.
 * A compose file is attested text, so this is a line scanner of the {@code services:} mapping, not
 * a YAML parse and re-emit: comments, order, quoting, anchors, line ends and every other byte stay
 * as they were. What it cannot pin with certainty it refuses, naming the field
 * (docs/decisions/compose-image-pin.md, docs/IMAGE-DEPLOYS.md).
 */
public final class ComposeImagePin {
    /** The largest compose text taken, in chars (the relay takes at most 200,000 bytes). */
    static final int MAX_CHARS = 200_000;

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    /** host[:port]/path, lower-case path components as Docker's reference grammar has them. */
    private static final Pattern IMAGE_NAME = Pattern.compile(
            "[A-Za-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)+");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern ANCHOR = Pattern.compile("&([^\\s,\\[\\]{}]+)");
    private static final Pattern ALIAS = Pattern.compile("\\*([^\\s,\\[\\]{}]+)");

    /** Changes in line order; a class, not a lambda, to keep lambda bootstrap off a cold path. */
    private static final java.util.Comparator<LineChange> LINE_ORDER = new java.util.Comparator<>() {
        @Override
        public int compare(LineChange a, LineChange b) {
            return Integer.compare(a.line(), b.line());
        }
    };

    private ComposeImagePin() {}

    /** One changed line: 1-based line number, the line before and after, without its line end. */
    public record LineChange(String service, int line, String before, String after) {
        /** The change as a two-line diff: {@code -12: before} and {@code +12: after}. */
        public String diff() {
            return "-" + line + ": " + before + "\n+" + line + ": " + after;
        }
    }

    /**
     * The new compose text and the changed lines, in line order; no change for a service whose
     * image is already the pinned reference (then the text is the input, unchanged).
     */
    public record Pinned(String compose, List<LineChange> changes) {
        public Pinned {
            changes = List.copyOf(changes);
        }
    }

    /**
     * Sets the image of each named service to {@code imageName@digest}.
     *
     * @param compose the compose text (LF or CRLF line ends, at most {@value #MAX_CHARS} chars)
     * @param services the services whose image follows the repository (one or more, distinct)
     * @param imageName registry host (with port, if any) and repository, e.g.
     *     {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop}; each service's image must be
     *     this name already (any tag or digest), compared host case-insensitively, path exactly
     * @param digest {@code sha256:} and 64 lower-case hex digits
     * @throws InvalidRequest naming the field ({@code repository}, {@code digest}, {@code service},
     *     {@code compose}, {@code services}, {@code services.<name>}, {@code services.<name>.image})
     *     and the rule it breaks; nothing is pinned then
     */
    public static Pinned pin(String compose, List<String> services, String imageName, String digest)
            throws InvalidRequest {
        if (imageName == null || !IMAGE_NAME.matcher(imageName).matches()) {
            throw new InvalidRequest("repository", "not a registry host and repository: " + quote(imageName));
        }
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new InvalidRequest("digest", "not sha256: and 64 lower-case hex digits: " + quote(digest));
        }
        if (services == null || services.isEmpty()) {
            throw new InvalidRequest("service", "no service named");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String s : services) {
            if (s == null || !SERVICE_NAME.matcher(s).matches()) {
                throw new InvalidRequest("service", "not a compose service name: " + quote(s));
            }
            if (!wanted.add(s)) {
                throw new InvalidRequest("service", s + " is named twice");
            }
        }
        if (compose == null || compose.isEmpty()) {
            throw new InvalidRequest("compose", "empty");
        }
        if (compose.length() > MAX_CHARS) {
            throw new InvalidRequest("compose", "longer than " + MAX_CHARS + " characters");
        }
        List<Line> lines = split(compose);
        Map<String, Service> all = services(lines);
        String pinned = imageName + "@" + digest;

        List<LineChange> changes = new ArrayList<>();
        Map<Integer, String> replaced = new HashMap<>();
        Set<String> changed = new LinkedHashSet<>();
        Map<String, Service> following = new LinkedHashMap<>();
        for (String name : wanted) {
            Service service = all.get(name);
            if (service == null) {
                throw new InvalidRequest("service", "no service " + name + " in the compose file's services");
            }
            String field = "services." + name;
            if (service.alias != null) {
                throw new InvalidRequest(field, "the service is an alias (*" + service.alias
                        + "); its image is written elsewhere, write the service out to pin it");
            }
            if (service.image == null) {
                if (service.merges.isEmpty()) {
                    throw new InvalidRequest(field + ".image", "the service has no image (a build only?); nothing to pin");
                }
                following.put(name, service);
                continue;
            }
            Line line = lines.get(service.image);
            Value value = imageValue(line, field + ".image");
            String current = value.text;
            if (!sameName(nameOf(current), imageName)) {
                throw new InvalidRequest(field + ".image", "the image " + quote(current)
                        + " is not of the repository " + imageName + "; nothing pinned");
            }
            if (current.equals(pinned)) {
                continue;
            }
            String after = line.text.substring(0, value.start) + pinned + line.text.substring(value.end);
            replaced.put(service.image, after);
            changes.add(new LineChange(name, service.image + 1, line.text, after));
            changed.add(name);
        }
        // A named service without an image of its own follows a named one when its first merge key
        // is that service's anchor (the first merged mapping wins in YAML); any other merge is refused,
        // for the image may come from anywhere.
        Map<String, String> anchorOf = new HashMap<>();
        for (Service s : all.values()) {
            if (s.anchor != null) {
                anchorOf.put(s.anchor, s.name);
            }
        }
        Set<String> resolved = new LinkedHashSet<>(wanted);
        resolved.removeAll(following.keySet());
        boolean progress = true;
        while (!following.isEmpty() && progress) {
            progress = false;
            for (var it = following.values().iterator(); it.hasNext(); ) {
                Service s = it.next();
                String leader = anchorOf.get(s.merges.get(0));
                if (leader != null && resolved.contains(leader)) {
                    resolved.add(s.name);
                    if (changed.contains(leader)) {
                        changed.add(s.name);
                    }
                    it.remove();
                    progress = true;
                }
            }
        }
        for (Service s : following.values()) {
            throw new InvalidRequest("services." + s.name + ".image", "the image comes through a merge key (<<: *"
                    + s.merges.get(0) + "); write image: in the service to pin it there");
        }
        // A service that is not named but takes its image from a named one (merge key or alias of
        // its anchor) would change too, unseen in the diff: refuse rather than deploy it silently.
        Set<String> anchors = new LinkedHashSet<>();
        for (String name : changed) {
            Service s = all.get(name);
            if (s.anchor != null) {
                anchors.add(s.anchor);
            }
        }
        for (Service other : all.values()) {
            if (wanted.contains(other.name)) {
                continue;
            }
            String via = other.alias != null && anchors.contains(other.alias) ? other.alias : null;
            if (via == null && other.image == null) {
                for (String merged : other.merges) {
                    if (via == null && anchors.contains(merged)) {
                        via = merged;
                    }
                }
            }
            if (via != null) {
                throw new InvalidRequest("services." + other.name + ".image", "takes its image from *" + via
                        + ", which would change too; name " + other.name + " in the channel's services as well, or write its own image");
            }
        }
        changes.sort(LINE_ORDER);
        if (replaced.isEmpty()) {
            return new Pinned(compose, changes);
        }
        StringBuilder out = new StringBuilder(compose.length() + 128 * replaced.size());
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            out.append(replaced.getOrDefault(i, l.text)).append(l.end);
        }
        return new Pinned(out.toString(), changes);
    }

    /** The registry host and repository of an image reference: without its digest and tag. */
    static String nameOf(String image) {
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int colon = name.indexOf(':', name.lastIndexOf('/') + 1); // a tag has no colon; a variable's default may
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        return name;
    }

    private static boolean sameName(String found, String expected) {
        int a = found.indexOf('/');
        int b = expected.indexOf('/');
        return a > 0 && b > 0
                && found.substring(0, a).toLowerCase(Locale.ROOT).equals(expected.substring(0, b).toLowerCase(Locale.ROOT))
                && found.substring(a).equals(expected.substring(b));
    }

    // ---- the scanner ----

    private record Line(String text, String end, int indent, boolean content) {}

    private static final class Service {
        final String name;
        String anchor;
        String alias;
        Integer image;
        final List<String> merges = new ArrayList<>();

        Service(String name) {
            this.name = name;
        }
    }

    private record Value(String text, int start, int end) {}

    private static List<Line> split(String text) throws InvalidRequest {
        List<Line> lines = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            int stop = nl < 0 ? text.length() : nl;
            int bodyEnd = stop > i && text.charAt(stop - 1) == '\r' ? stop - 1 : stop;
            String body = text.substring(i, bodyEnd);
            if (body.indexOf('\r') >= 0) {
                throw new InvalidRequest("compose", "line " + (lines.size() + 1) + " has a bare carriage return");
            }
            int bom = lines.isEmpty() && body.startsWith("\uFEFF") ? 1 : 0;
            int indent = 0;
            while (bom + indent < body.length() && body.charAt(bom + indent) == ' ') {
                indent++;
            }
            if (bom + indent < body.length() && body.charAt(bom + indent) == '\t') {
                throw new InvalidRequest("compose", "line " + (lines.size() + 1) + " is indented with a tab (YAML forbids it)");
            }
            String rest = body.substring(bom + indent).stripTrailing();
            boolean content = !rest.isEmpty() && rest.charAt(0) != '#';
            lines.add(new Line(body, text.substring(bodyEnd, nl < 0 ? text.length() : nl + 1), indent, content));
            i = nl < 0 ? text.length() : nl + 1;
        }
        return lines;
    }

    /** The services mapping: each service's anchor or alias, merge keys and image line. */
    private static Map<String, Service> services(List<Line> lines) throws InvalidRequest {
        int start = -1;
        boolean seenContent = false;
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (i == 0 && l.text.startsWith("\uFEFF")) {
                l = new Line(l.text.substring(1), l.end, l.indent, l.content); // a byte order mark: not part of the key
            }
            String t = l.text.stripTrailing();
            if (l.indent == 0 && (t.equals("---") || t.startsWith("--- ") || t.equals("..."))) {
                if (seenContent) {
                    throw new InvalidRequest("compose", "line " + (i + 1) + " starts a second YAML document");
                }
                continue;
            }
            if (!l.content) {
                continue;
            }
            seenContent = true;
            if (l.indent == 0) {
                String[] kv = key(l.text, 0);
                if (kv != null && kv[0].equals("services")) {
                    if (start >= 0) {
                        throw new InvalidRequest("services", "written twice (lines " + (start + 1) + " and " + (i + 1) + ")");
                    }
                    String rest = withoutComment(kv[1]);
                    if (!rest.isEmpty()) {
                        throw new InvalidRequest("services", "not a block mapping on the lines below (" + quote(rest) + ")");
                    }
                    start = i;
                }
            }
        }
        if (start < 0) {
            throw new InvalidRequest("services", "no top-level services: in the compose file");
        }
        Map<String, Service> out = new LinkedHashMap<>();
        int serviceIndent = -1;
        Service current = null;
        int propertyIndent = -1;
        for (int i = start + 1; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (!l.content) {
                continue;
            }
            if (l.indent == 0) {
                break;
            }
            if (serviceIndent < 0) {
                serviceIndent = l.indent;
            }
            if (l.indent < serviceIndent) {
                throw new InvalidRequest("compose", "line " + (i + 1) + " is indented less than the services above it");
            }
            if (l.indent == serviceIndent) {
                String[] kv = key(l.text, l.indent);
                if (kv == null) {
                    throw new InvalidRequest("services", "line " + (i + 1) + " is not a service name and colon");
                }
                if (out.containsKey(kv[0])) {
                    throw new InvalidRequest("services." + kv[0], "written twice");
                }
                current = new Service(kv[0]);
                out.put(kv[0], current);
                propertyIndent = -1;
                String rest = withoutComment(kv[1]);
                Matcher anchor = ANCHOR.matcher(rest);
                if (anchor.lookingAt()) {
                    current.anchor = anchor.group(1);
                    rest = rest.substring(anchor.end()).strip();
                }
                Matcher alias = ALIAS.matcher(rest);
                if (alias.lookingAt() && alias.end() == rest.length()) {
                    current.alias = alias.group(1);
                } else if (!rest.isEmpty()) {
                    throw new InvalidRequest("services." + kv[0], "not a block mapping (" + quote(rest)
                            + "); write the service on its own lines to pin it");
                }
                continue;
            }
            if (current == null) {
                continue;
            }
            if (propertyIndent < 0) {
                propertyIndent = l.indent;
            }
            if (l.indent != propertyIndent) {
                continue; // deeper: a property's value
            }
            String[] kv = key(l.text, l.indent);
            if (kv == null) {
                continue; // a sequence item of the key above, or a complex key
            }
            if (kv[0].equals("image")) {
                if (current.image != null) {
                    throw new InvalidRequest("services." + current.name + ".image", "written twice");
                }
                current.image = i;
                int next = i + 1;
                while (next < lines.size() && !lines.get(next).content) {
                    next++;
                }
                if (next < lines.size() && lines.get(next).indent > propertyIndent) {
                    throw new InvalidRequest("services." + current.name + ".image", "spans more than one line");
                }
            } else if (kv[0].equals("<<")) {
                Matcher alias = ALIAS.matcher(withoutComment(kv[1]));
                while (alias.find()) {
                    current.merges.add(alias.group(1));
                }
            }
        }
        return out;
    }

    /** The key and the text after its colon, for a {@code key:} line (plain or quoted key), else null. */
    private static String[] key(String text, int indent) {
        if (indent >= text.length()) {
            return null;
        }
        char first = text.charAt(indent);
        String key;
        int colon;
        if (first == '"' || first == '\'') {
            int close = text.indexOf(first, indent + 1);
            if (close < 0) {
                return null;
            }
            key = text.substring(indent + 1, close);
            if (key.indexOf('\\') >= 0) {
                return null;
            }
            colon = close + 1;
            while (colon < text.length() && text.charAt(colon) == ' ') {
                colon++;
            }
            if (colon >= text.length() || text.charAt(colon) != ':') {
                return null;
            }
        } else {
            if ("-?[]{}#&*!|>%@`,\"'".indexOf(first) >= 0) {
                return null;
            }
            colon = indent;
            while (true) {
                colon = text.indexOf(':', colon);
                if (colon < 0) {
                    return null;
                }
                if (colon + 1 == text.length() || text.charAt(colon + 1) == ' ') {
                    break;
                }
                colon++;
            }
            key = text.substring(indent, colon).stripTrailing();
        }
        if (key.isEmpty() || colon + 1 < text.length() && text.charAt(colon + 1) != ' ') {
            return null;
        }
        return new String[] {key, text.substring(colon + 1).strip()};
    }

    /** The text before a comment ({@code #} after a space), trimmed; for text with no quotes. */
    private static String withoutComment(String text) {
        int hash = comment(text, 0);
        return (hash < 0 ? text : text.substring(0, hash)).strip();
    }

    /** Where a comment starts at or after {@code from}: a {@code #} at the start or after a space or tab; else -1. */
    private static int comment(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '#' && (i == 0 || text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) {
                return i;
            }
        }
        return -1;
    }

    /** Where the image's value is on its line, without quotes; refused unless a plain or simply quoted scalar. */
    private static Value imageValue(Line line, String field) throws InvalidRequest {
        String text = line.text;
        String[] kv = key(text, line.indent);
        int start = text.stripTrailing().length() - kv[1].length();
        while (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        if (start >= text.length() || text.charAt(start) == '#') {
            throw new InvalidRequest(field, "empty; nothing to pin");
        }
        char first = text.charAt(start);
        int end;
        Value value;
        if (first == '"' || first == '\'') {
            int close = text.indexOf(first, start + 1);
            if (close < 0) {
                throw new InvalidRequest(field, "a quoted image that does not close on its line");
            }
            String inner = text.substring(start + 1, close);
            if (first == '"' && inner.indexOf('\\') >= 0
                    || first == '\'' && close + 1 < text.length() && text.charAt(close + 1) == '\'') {
                throw new InvalidRequest(field, "an image with escapes; write it plainly to pin it");
            }
            value = new Value(inner, start + 1, close);
            end = close + 1;
        } else {
            if (first == '*') {
                throw new InvalidRequest(field, "the image is an alias (" + withoutComment(text.substring(start))
                        + "); pin it where it is written, or write it in the service");
            }
            if (first == '&') {
                throw new InvalidRequest(field, "the image carries an anchor (" + withoutComment(text.substring(start))
                        + "); its aliases would change too");
            }
            if ("!|>[{".indexOf(first) >= 0) {
                throw new InvalidRequest(field, "not a plain or quoted image (" + quote(withoutComment(text.substring(start)))
                        + ")");
            }
            int hash = comment(text, start);
            end = hash < 0 ? text.length() : hash;
            while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
                end--;
            }
            value = new Value(text.substring(start, end), start, end);
        }
        String after = withoutComment(text.substring(end));
        if (!after.isEmpty()) {
            throw new InvalidRequest(field, "text after the image: " + quote(after));
        }
        if (value.text.isEmpty()) {
            throw new InvalidRequest(field, "empty; nothing to pin");
        }
        if (!printableAscii(value.text)) {
            throw new InvalidRequest(field, "not an image reference (a space or a character outside ASCII): "
                    + quote(value.text));
        }
        return value;
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) <= ' ' || s.charAt(i) >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + Quoted.oneLine(s.length() > 200 ? s.substring(0, 200) + "…" : s) + "\"";
    }
}
