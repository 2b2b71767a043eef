package com.composerelay.phala;

import com.composerelay.core.PhalaFleet;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the relay reads from Phala's fleet answers ({@link PhalaFleet}): an app's CVMs, a page of its
 * revisions, a status batch; and the batch's body. Shapes as in Phala's OpenAPI (docs/PHALA-FACTS.md).
 */
final class FleetJson {
    /** An id the relay takes from an answer and puts into a value's name, a list, a path or a body. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** A list of up to {@link PhalaFleet#MAX_CVMS} ids of at most 128 characters, joined. */
    static final int MAX_LIST = PhalaFleet.MAX_CVMS * 129;
    /** The most of a fleet answer read: 100 CVMs in the newer, larger shape fit several times over. */
    static final int BODY_LIMIT = 1024 * 1024;
    private static final Set<String> LISTS = Set.of(PhalaFleet.CVMS, PhalaFleet.VM_UUIDS, PhalaFleet.MISSING);

    private FleetJson() {}

    /** A fleet read: every successful body (arrays, unreadable ones), lists kept whole. */
    private record FleetValues(Function<JrsValue, Map<String, String>> read) implements PhalaAnswers.Values {
        @Override
        public Map<String, String> apply(JrsValue body) {
            return read.apply(body);
        }

        /** Lists whole; everything else as any value (cut, after the key is taken out, by {@code PhalaAnswers}). */
        @Override
        public int maxValue(String name) {
            if (name.equals(PhalaFleet.APP_COMPOSE)) {
                return PhalaFleet.MAX_APP_COMPOSE_CHARS;
            }
            return LISTS.contains(name) ? MAX_LIST : PhalaAnswers.MAX_VALUE;
        }

        @Override
        public boolean readsAnyBody() {
            return true;
        }
    }

    static final PhalaAnswers.Values APP_CVMS = new FleetValues(FleetJson::appCvms);
    static final PhalaAnswers.Values REVISIONS = new FleetValues(FleetJson::revisions);
    static final PhalaAnswers.Values COMPOSE_FILE = new FleetValues(FleetJson::composeFile);
    static final PhalaAnswers.Values REVISION = new FleetValues(FleetJson::revision);

    /**
     * {@code GET /apps/{app_id}/revisions/{revision_id}}: {@code AppRevisionDetailResponse}, its
     * {@code compose_file} an object or a string (a JSON object as text) read as the app compose.
     */
    static Map<String, String> revision(JrsValue body) {
        if (body == null || !body.isObject()) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put(PhalaFleet.PROBLEM, "Phala's revision is not a JSON object"
                    + (body == null ? " (not JSON, or cut at the " + BODY_LIMIT + " bytes read)" : ""));
            return values;
        }
        JrsValue file = body.path("compose_file");
        if (Json.isText(file)) {
            try {
                file = Json.parse(Json.text(file));
            } catch (Json.Malformed e) {
                file = null;
            }
        }
        Map<String, String> values = composeFile(file);
        String hash = text(body.path("compose_hash"));
        if (hash != null) {
            values.put(PhalaFleet.COMPOSE_HASH, hash);
        }
        if (values.containsKey(PhalaFleet.PROBLEM)) {
            values.put(PhalaFleet.PROBLEM, values.get(PhalaFleet.PROBLEM).replace("compose file of the CVM",
                    "compose file of the revision"));
        }
        return values;
    }

    /**
     * {@code GET /cvms/{id}/compose_file}: the app compose, a JSON object with {@code docker_compose_file}
     * (a string) and the other app-compose fields, kept whole as JSON when it fits.
     */
    static Map<String, String> composeFile(JrsValue body) {
        Map<String, String> values = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            values.put(PhalaFleet.PROBLEM, "Phala's compose file of the CVM is not a JSON object"
                    + (body == null ? " (not JSON, or cut at the " + BODY_LIMIT + " bytes read)" : ""));
            return values;
        }
        if (!Json.isText(body.get("docker_compose_file"))) {
            values.put(PhalaFleet.PROBLEM, "Phala's compose file of the CVM has no docker_compose_file string");
            return values;
        }
        String json = Json.write(body);
        if (json.length() > PhalaFleet.MAX_APP_COMPOSE_CHARS) {
            values.put(PhalaFleet.PROBLEM, "Phala's compose file of the CVM is " + json.length()
                    + " characters as JSON, more than the " + PhalaFleet.MAX_APP_COMPOSE_CHARS + " the relay reads");
            return values;
        }
        values.put(PhalaFleet.APP_COMPOSE, json);
        return values;
    }

    static PhalaAnswers.Values statusBatch(List<String> asked) {
        return new FleetValues(body -> statusBatch(body, asked));
    }

    /** {@code {"vm_uuids": […]}}. */
    static String statusBatchBody(List<String> vmUuids) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vm_uuids", List.copyOf(vmUuids));
        return Json.write(Json.object(body));
    }

    /**
     * {@code GET /apps/{app_id}/cvms}: an array of {@code CVMInfo} ({@code id}, {@code vm_uuid}, {@code name},
     * {@code status}, {@code in_progress}) or, in the older shape, of {@code HostedCvm} ({@code hosted.id} the
     * vm_uuid, {@code name}, {@code status}, {@code in_progress}).
     */
    static Map<String, String> appCvms(JrsValue body) {
        Map<String, String> values = new LinkedHashMap<>();
        if (body == null || !body.isArray()) {
            values.put(PhalaFleet.PROBLEM, "Phala's list of the app's CVMs is not a JSON array"
                    + (body == null ? " (not JSON, or cut at the " + BODY_LIMIT + " bytes read)" : ""));
            return values;
        }
        int count = Json.size(body);
        values.put(PhalaFleet.COUNT, String.valueOf(count));
        if (count > PhalaFleet.MAX_CVMS) {
            values.put(PhalaFleet.TOO_MANY, "true");
            values.put(PhalaFleet.PROBLEM, "the app has " + count + " CVMs, more than the " + PhalaFleet.MAX_CVMS
                    + " a rollout may touch");
            return values;
        }
        Set<String> ids = new LinkedHashSet<>();
        Map<String, String> perCvm = new LinkedHashMap<>();
        int n = 0;
        for (JrsValue cvm : Json.elements(body)) {
            n++;
            if (!cvm.isObject()) {
                return problem(values, "CVM " + n + " of Phala's list is not an object");
            }
            JrsValue hosted = cvm.path("hosted");
            String vmUuid = text(cvm.path("vm_uuid"));
            if (vmUuid == null && hosted.isObject()) {
                vmUuid = text(hosted.path("id"));
            }
            if (vmUuid == null || !ID.matcher(vmUuid).matches()) {
                return problem(values, "CVM " + n + " of Phala's list has " + (vmUuid == null ? "no vm_uuid"
                        : "a vm_uuid that is not 1-128 of A-Z a-z 0-9 _ -"));
            }
            if (!ids.add(vmUuid)) {
                return problem(values, "Phala's list names the CVM " + vmUuid + " twice");
            }
            String id = hosted.isObject() ? null : text(cvm.path("id"));
            perCvm.put(PhalaFleet.key(vmUuid, PhalaFleet.ID), id);
            perCvm.put(PhalaFleet.key(vmUuid, PhalaFleet.NAME), text(cvm.path("name")));
            String status = text(cvm.path("status"));
            if (status == null && hosted.isObject()) {
                status = text(hosted.path("status"));
            }
            perCvm.put(PhalaFleet.key(vmUuid, PhalaFleet.STATUS), status);
            boolean targetSet = text(cvm.path("progress").path("target")) != null;
            perCvm.put(PhalaFleet.key(vmUuid, PhalaFleet.IN_PROGRESS),
                    String.valueOf(targetSet || Json.asBoolean(cvm.path("in_progress"), false)));
        }
        values.put(PhalaFleet.CVMS, String.join(",", ids));
        values.putAll(perCvm);
        return values;
    }

    /**
     * {@code GET /apps/{app_id}/revisions}: {@code {revisions: [{revision_id, app_id, vm_uuid, compose_hash,
     * created_at, …}], total, page, page_size, total_pages}}; per vm_uuid its newest revision on the page.
     */
    static Map<String, String> revisions(JrsValue body) {
        Map<String, String> values = new LinkedHashMap<>();
        if (body == null || !body.isObject() || !body.path("revisions").isArray()) {
            values.put(PhalaFleet.PROBLEM, "Phala's page of revisions is not an object with a revisions array"
                    + (body == null ? " (not JSON, or cut at the " + BODY_LIMIT + " bytes read)" : ""));
            return values;
        }
        Integer totalPages = integer(body.path("total_pages"));
        if (totalPages == null) {
            return problem(values, "Phala's page of revisions has no total_pages");
        }
        values.put(PhalaFleet.TOTAL_PAGES, String.valueOf(totalPages));
        values.put(PhalaFleet.PAGE, integerText(body.path("page")));
        values.put(PhalaFleet.TOTAL, integerText(body.path("total")));
        values.put(PhalaFleet.COUNT, String.valueOf(Json.size(body.path("revisions"))));
        Map<String, JrsValue> newest = new LinkedHashMap<>();
        int n = 0;
        for (JrsValue revision : Json.elements(body.path("revisions"))) {
            n++;
            String vmUuid = revision.isObject() ? text(revision.path("vm_uuid")) : null;
            String revisionId = revision.isObject() ? text(revision.path("revision_id")) : null;
            String hash = revision.isObject() ? text(revision.path("compose_hash")) : null;
            if (vmUuid == null || !ID.matcher(vmUuid).matches() || revisionId == null
                    || !ID.matcher(revisionId).matches() || hash == null) {
                return problem(values, "revision " + n + " of the page has no usable "
                        + (vmUuid == null || !ID.matcher(vmUuid).matches() ? "vm_uuid"
                                : revisionId == null || !ID.matcher(revisionId).matches() ? "revision_id"
                                : "compose_hash"));
            }
            JrsValue before = newest.get(vmUuid);
            if (before == null || later(revision, before)) {
                newest.put(vmUuid, revision);
            }
        }
        values.put(PhalaFleet.VM_UUIDS, String.join(",", newest.keySet()));
        newest.forEach((vmUuid, revision) -> {
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.REVISION_ID), text(revision.path("revision_id")));
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.COMPOSE_HASH), text(revision.path("compose_hash")));
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.CREATED_AT), text(revision.path("created_at")));
        });
        return values;
    }

    /**
     * {@code POST /status/batch}: an object keyed by vm_uuid, each {@code {vm_uuid, status, in_progress,
     * boot_progress, boot_error, …}}. An entry is found by its key or its {@code vm_uuid}, compared
     * without dashes and case (the CLI strips a UUID's dashes; Phala may answer either form).
     */
    static Map<String, String> statusBatch(JrsValue body, List<String> asked) {
        Map<String, String> values = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            values.put(PhalaFleet.PROBLEM, "Phala's status batch is not a JSON object"
                    + (body == null ? " (not JSON, or cut at the " + BODY_LIMIT + " bytes read)" : ""));
            return values;
        }
        Map<String, JrsValue> byUuid = new HashMap<>();
        for (Map.Entry<String, JrsValue> entry : Json.fields(body)) {
            if (entry.getValue().isObject()) {
                byUuid.putIfAbsent(plain(entry.getKey()), entry.getValue());
                String inside = text(entry.getValue().path("vm_uuid"));
                if (inside != null) {
                    byUuid.putIfAbsent(plain(inside), entry.getValue());
                }
            }
        }
        List<String> missing = new ArrayList<>();
        int answered = 0;
        for (String vmUuid : asked) {
            JrsValue entry = byUuid.get(plain(vmUuid));
            String status = entry == null ? null : text(entry.path("status"));
            if (status == null) {
                missing.add(vmUuid);
                continue;
            }
            answered++;
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.STATUS), status);
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.IN_PROGRESS),
                    String.valueOf(Json.asBoolean(entry.path("in_progress"), false)));
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.BOOT_ERROR), text(entry.path("boot_error")));
            values.put(PhalaFleet.key(vmUuid, PhalaFleet.BOOT_PROGRESS), text(entry.path("boot_progress")));
        }
        values.put(PhalaFleet.COUNT, String.valueOf(answered));
        if (!missing.isEmpty()) {
            values.put(PhalaFleet.MISSING, String.join(",", missing));
        }
        return values;
    }

    private static Map<String, String> problem(Map<String, String> values, String why) {
        Map<String, String> kept = new LinkedHashMap<>();
        kept.put(PhalaFleet.COUNT, values.get(PhalaFleet.COUNT));
        kept.put(PhalaFleet.PROBLEM, why);
        return kept;
    }

    /** A non-blank JSON string, else null. */
    private static String text(JrsValue node) {
        String text = Json.text(node);
        return text == null || text.isBlank() ? null : text;
    }

    private static Integer integer(JrsValue node) {
        Number number = Json.number(node);
        if (number == null || number.longValue() < 0 || number.longValue() > Integer.MAX_VALUE
                || number.doubleValue() != number.longValue()) {
            return null;
        }
        return number.intValue();
    }

    private static String integerText(JrsValue node) {
        Integer value = integer(node);
        return value == null ? null : String.valueOf(value);
    }

    /** Whether {@code a} was made after {@code b}, by created_at; false when either cannot be read. */
    private static boolean later(JrsValue a, JrsValue b) {
        Instant ta = instant(text(a.path("created_at")));
        Instant tb = instant(text(b.path("created_at")));
        return ta != null && tb != null && ta.isAfter(tb);
    }

    /** ISO 8601 with an offset, or without one (read as UTC); null otherwise. */
    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static String plain(String uuid) {
        return uuid.replace("-", "").toLowerCase(Locale.ROOT);
    }
}
