package com.composerelay.codec;

import com.composerelay.core.AppCompose;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.EnvValue;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.RolloutRequest;
import com.composerelay.core.RolloutRequest.OnFailure;
import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.Targets;
import com.composerelay.core.RolloutRequest.WaveEntry;
import com.composerelay.core.WavePlan;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the rollout form ({@code POST /rollouts}, and a request-queue body with {@code targets}):
 * {@code targets} (required), {@code app_compose} (required) and {@code env} exactly as the whole
 * update's ({@link WholeUpdateJson}), and {@code strategy} (optional, every field defaulted). Every
 * field is type-checked and bounded, each error names its field; unknown fields are refused by name
 * at the top level, in {@code targets} and in {@code strategy}. Also writes a request back
 * ({@link #write}) and the Step Functions execution input ({@link #executionInput}).
 */
public final class RolloutJson {
    public static final String TARGETS = "targets";
    public static final String STRATEGY = "strategy";
    private static final String APP_ID = "app_id";
    private static final String CVMS = "cvms";
    private static final String WAVES = "waves";
    private static final String CHECK_INTERVAL = "check_interval_seconds";
    private static final String BAKE = "bake_seconds";
    private static final String WAVE_TIMEOUT = "wave_timeout_seconds";
    private static final String ALARMS = "alarms";
    private static final String ON_FAILURE = "on_failure";
    private static final String APPROVE_AFTER = "approve_after";
    private static final String APPROVAL_TIMEOUT = "approval_timeout_seconds";
    private static final List<String> KNOWN = List.of(TARGETS, WholeUpdateJson.APP_COMPOSE, WholeUpdateJson.ENV, STRATEGY);
    private static final List<String> KNOWN_TARGETS = List.of(APP_ID, CVMS);
    private static final List<String> KNOWN_STRATEGY = List.of(WAVES, CHECK_INTERVAL, BAKE, WAVE_TIMEOUT, ALARMS,
            ON_FAILURE, APPROVE_AFTER, APPROVAL_TIMEOUT);
    /** Phala's app ids are hex (40 digits today); the and Phala's answers may prefix {@code app_}. */
    private static final Pattern APP_ID_PATTERN = Pattern.compile("(app_)?[0-9a-fA-F]{1,64}");
    private static final Pattern PERCENT = Pattern.compile("([0-9]{1,3})%");

    private RolloutJson() {}

    /**
     * Reads and checks a rollout request. With {@code targets.cvms} the waves are planned at once (a
     * plan that does not fit the listed CVMs is refused here); with {@code targets.app_id} that waits
     * for the app's CVMs ({@link WavePlan#of(int, Strategy)}).
     */
    public static RolloutRequest read(JrsValue body) throws InvalidRequest {
        if (!body.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object, not " + ComposeUpdateJson.kind(body));
        }
        refuseUnknown(body, "", KNOWN, "is not a known field of a rollout");
        Targets targets = targets(body.get(TARGETS));
        AppCompose compose = WholeUpdateJson.appCompose(body.get(WholeUpdateJson.APP_COMPOSE));
        Map<String, EnvValue> env = WholeUpdateJson.env(body.get(WholeUpdateJson.ENV));
        Strategy strategy = strategy(body.get(STRATEGY));
        if (targets instanceof Targets.Cvms cvms) {
            WavePlan.of(cvms.cvmIds().size(), strategy);
        }
        return new RolloutRequest(targets, compose, env, strategy);
    }

    // ---- targets ------------------------------------------------------------------------------------

    /** Reads {@code targets} (required): the rollout's and a release channel's ({@link ReleaseChannelsJson}). */
    static Targets targets(JrsValue node) throws InvalidRequest {
        if (node == null || node.isNull()) {
            throw new InvalidRequest(TARGETS, "is required: {\"app_id\": …} or {\"cvms\": [ids…]}");
        }
        if (!node.isObject()) {
            throw new InvalidRequest(TARGETS, "must be an object, {\"app_id\": …} or {\"cvms\": [ids…]}, not "
                    + ComposeUpdateJson.kind(node));
        }
        refuseUnknown(node, TARGETS + ".", KNOWN_TARGETS, "is not a known field");
        JrsValue appId = present(node.get(APP_ID));
        JrsValue cvms = present(node.get(CVMS));
        if ((appId == null) == (cvms == null)) {
            throw new InvalidRequest(TARGETS, "must have exactly one of app_id and cvms" + (appId == null ? "" : ", not both"));
        }
        if (appId != null) {
            String field = TARGETS + "." + APP_ID;
            if (!Json.isText(appId)) {
                throw new InvalidRequest(field, "must be a string, not " + ComposeUpdateJson.kind(appId));
            }
            if (!APP_ID_PATTERN.matcher(Json.text(appId)).matches()) {
                throw new InvalidRequest(field, "must be a Phala app id: 1 to 64 hex digits, optionally prefixed with app_");
            }
            return new Targets.App(Json.text(appId));
        }
        String field = TARGETS + "." + CVMS;
        if (!cvms.isArray()) {
            throw new InvalidRequest(field, "must be a list of CVM ids, not " + ComposeUpdateJson.kind(cvms));
        }
        if (cvms.size() < 1 || cvms.size() > RolloutRequest.MAX_TARGETS) {
            throw new InvalidRequest(field, "must list 1 to " + RolloutRequest.MAX_TARGETS + " CVM ids, not " + cvms.size());
        }
        List<String> ids = new ArrayList<>(cvms.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < cvms.size(); i++) {
            String item = field + "[" + i + "]";
            JrsValue id = cvms.get(i);
            if (!Json.isText(id)) {
                throw new InvalidRequest(item, "must be a string, not " + ComposeUpdateJson.kind(id));
            }
            try {
                ComposeUpdate.checkCvmId(Json.text(id));
            } catch (InvalidRequest e) {
                throw renamed(e, item);
            }
            Integer earlier = seen.putIfAbsent(Json.text(id), i);
            if (earlier != null) {
                throw new InvalidRequest(item, "repeats " + field + "[" + earlier + "]");
            }
            ids.add(Json.text(id));
        }
        return new Targets.Cvms(ids);
    }

    // ---- strategy -----------------------------------------------------------------------------------

    /** Reads {@code strategy} (optional, every field defaulted): the rollout's and a release channel's. */
    static Strategy strategy(JrsValue node) throws InvalidRequest {
        if (node == null || node.isNull()) {
            return Strategy.defaults();
        }
        if (!node.isObject()) {
            throw new InvalidRequest(STRATEGY, "must be an object, not " + ComposeUpdateJson.kind(node));
        }
        refuseUnknown(node, STRATEGY + ".", KNOWN_STRATEGY, "is not a known field");
        JrsValue wavesNode = present(node.get(WAVES));
        List<WaveEntry> waves = waves(wavesNode);
        int checkInterval = seconds(node, CHECK_INTERVAL, Strategy.MIN_CHECK_INTERVAL_SECONDS,
                Strategy.MAX_CHECK_INTERVAL_SECONDS, Strategy.DEFAULT_CHECK_INTERVAL_SECONDS);
        int bake = seconds(node, BAKE, Strategy.MIN_BAKE_SECONDS, Strategy.MAX_BAKE_SECONDS, Strategy.DEFAULT_BAKE_SECONDS);
        int waveTimeout = seconds(node, WAVE_TIMEOUT, Strategy.MIN_WAVE_TIMEOUT_SECONDS, Strategy.MAX_WAVE_TIMEOUT_SECONDS,
                Strategy.DEFAULT_WAVE_TIMEOUT_SECONDS);
        if (checkInterval > waveTimeout) {
            throw new InvalidRequest(STRATEGY + "." + CHECK_INTERVAL, "must be at most wave_timeout_seconds (" + waveTimeout
                    + "), or a wave times out before its first check");
        }
        List<String> alarms = alarms(present(node.get(ALARMS)));
        OnFailure onFailure = onFailure(present(node.get(ON_FAILURE)));
        List<Integer> approveAfter = approveAfter(present(node.get(APPROVE_AFTER)), waves.size());
        int approvalTimeout = seconds(node, APPROVAL_TIMEOUT, Strategy.MIN_APPROVAL_TIMEOUT_SECONDS,
                Strategy.MAX_APPROVAL_TIMEOUT_SECONDS, Strategy.DEFAULT_APPROVAL_TIMEOUT_SECONDS);
        return new Strategy(waves, wavesNode == null, checkInterval, bake, waveTimeout, alarms, onFailure, approveAfter,
                approvalTimeout);
    }

    private static List<WaveEntry> waves(JrsValue node) throws InvalidRequest {
        String field = STRATEGY + "." + WAVES;
        if (node == null) {
            return Strategy.DEFAULT_WAVES;
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, "must be a list of counts and percentages like [1, \"25%\", \"100%\"], not "
                    + ComposeUpdateJson.kind(node));
        }
        if (node.size() < 1 || node.size() > Strategy.MAX_WAVES) {
            throw new InvalidRequest(field, "must list 1 to " + Strategy.MAX_WAVES + " waves, not " + node.size());
        }
        List<WaveEntry> waves = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String item = field + "[" + i + "]";
            JrsValue entry = node.get(i);
            if (entry.isNumber()) {
                Long count = whole(entry);
                if (count == null) {
                    throw new InvalidRequest(item, "must be a whole number of CVMs, not a fraction");
                }
                if (count < 1 || count > RolloutRequest.MAX_TARGETS) {
                    throw new InvalidRequest(item, "must be a count of 1 to " + RolloutRequest.MAX_TARGETS + " CVMs");
                }
                waves.add(new WaveEntry.Count(count.intValue()));
            } else if (Json.isText(entry)) {
                Matcher percent = PERCENT.matcher(Json.text(entry));
                int value = percent.matches() ? Integer.parseInt(percent.group(1)) : 0;
                if (value < 1 || value > 100) {
                    throw new InvalidRequest(item, "must be a percentage of the targets from \"1%\" to \"100%\", like \"25%\"");
                }
                waves.add(new WaveEntry.Percent(value));
            } else {
                throw new InvalidRequest(item, "must be a count of CVMs or a percentage like \"25%\", not "
                        + ComposeUpdateJson.kind(entry));
            }
        }
        WavePlan.checkEntries(waves);
        return waves;
    }

    private static int seconds(JrsValue strategy, String name, int min, int max, int fallback) throws InvalidRequest {
        JrsValue node = present(strategy.get(name));
        if (node == null) {
            return fallback;
        }
        String field = STRATEGY + "." + name;
        Long value = node.isNumber() ? whole(node) : null;
        if (!node.isNumber()) {
            throw new InvalidRequest(field, "must be a whole number of seconds, not " + ComposeUpdateJson.kind(node));
        }
        if (value == null || value < min || value > max) {
            throw new InvalidRequest(field, "must be a whole number of seconds from " + min + " to " + max);
        }
        return value.intValue();
    }

    private static List<String> alarms(JrsValue node) throws InvalidRequest {
        String field = STRATEGY + "." + ALARMS;
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, "must be a list of CloudWatch alarm names, not " + ComposeUpdateJson.kind(node));
        }
        if (node.size() > Strategy.MAX_ALARMS) {
            throw new InvalidRequest(field, "must list at most " + Strategy.MAX_ALARMS + " alarm names, not " + node.size());
        }
        List<String> alarms = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String item = field + "[" + i + "]";
            JrsValue alarm = node.get(i);
            if (!Json.isText(alarm)) {
                throw new InvalidRequest(item, "must be a string, not " + ComposeUpdateJson.kind(alarm));
            }
            String name = Json.text(alarm);
            int length = name.codePointCount(0, name.length());
            if (name.isBlank() || length > Strategy.MAX_ALARM_NAME) {
                throw new InvalidRequest(item, "must be a CloudWatch alarm name of 1 to " + Strategy.MAX_ALARM_NAME
                        + " characters, not blank");
            }
            if (!isAlarmName(name)) {
                throw new InvalidRequest(item, "must not contain control characters or unpaired surrogates"
                        + " (CloudWatch's rule for alarm names)");
            }
            int earlier = alarms.indexOf(name);
            if (earlier >= 0) {
                throw new InvalidRequest(item, "repeats " + field + "[" + earlier + "]");
            }
            alarms.add(name);
        }
        return alarms;
    }

    /** UTF-8 text without control characters, as CloudWatch requires of an alarm name. */
    private static boolean isAlarmName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static OnFailure onFailure(JrsValue node) throws InvalidRequest {
        if (node == null) {
            return Strategy.DEFAULT_ON_FAILURE;
        }
        for (OnFailure choice : OnFailure.values()) {
            if (Json.isText(node) && Json.text(node).equals(choice.wire())) {
                return choice;
            }
        }
        throw new InvalidRequest(STRATEGY + "." + ON_FAILURE, "must be \"rollback\" or \"stop\"");
    }

    private static List<Integer> approveAfter(JrsValue node, int waves) throws InvalidRequest {
        String field = STRATEGY + "." + APPROVE_AFTER;
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, "must be a list of wave numbers, not " + ComposeUpdateJson.kind(node));
        }
        List<Integer> numbers = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String item = field + "[" + i + "]";
            JrsValue entry = node.get(i);
            Long number = entry.isNumber() ? whole(entry) : null;
            if (number == null) {
                throw new InvalidRequest(item, "must be a wave number, not " + (entry.isNumber() ? "a fraction"
                        : ComposeUpdateJson.kind(entry)));
            }
            if (number < 1 || number > waves) {
                throw new InvalidRequest(item, "must be a wave number from 1 to " + waves
                        + (number > Integer.MAX_VALUE || number < Integer.MIN_VALUE ? "" : ", not " + number));
            }
            int earlier = numbers.indexOf(number.intValue());
            if (earlier >= 0) {
                throw new InvalidRequest(item, "repeats " + field + "[" + earlier + "]");
            }
            numbers.add(number.intValue());
        }
        return numbers;
    }

    // ---- writing ------------------------------------------------------------------------------------

    /**
     * The request as JSON, every strategy field written out (defaults included; {@code waves} only
     * when the caller gave them, so that defaulted waves stay defaulted), in the order {@link #read}
     * reads: what {@link #read} reads back to an equal request. For the rollout's
     * record; env literals are written as given (they travel in the request anyway), secrets by reference.
     */
    /**
     * A release channel's rollout of {@code appCompose} (an app compose object, checked as a request's
     * {@code app_compose}): the channel's targets, env and strategy.
     */
    public static RolloutRequest ofChannel(com.composerelay.core.ReleaseChannel channel, JrsValue appCompose)
            throws InvalidRequest {
        return new RolloutRequest(channel.targets(), WholeUpdateJson.appCompose(appCompose), channel.env(),
                channel.strategy());
    }

    public static String write(RolloutRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(TARGETS, switch (request.targets()) {
            case Targets.App app -> Map.of(APP_ID, app.appId());
            case Targets.Cvms cvms -> Map.of(CVMS, cvms.cvmIds());
        });
        try {
            body.put(WholeUpdateJson.APP_COMPOSE, Json.parse(request.appCompose().json()));
        } catch (Json.Malformed e) {
            throw new IllegalStateException("an app compose read from a request is JSON", e);
        }
        if (!request.env().isEmpty()) {
            Map<String, Object> env = new LinkedHashMap<>();
            request.env().forEach((name, value) -> env.put(name, switch (value) {
                case EnvValue.Literal literal -> literal.value();
                case EnvValue.FromSecret secret -> {
                    Map<String, Object> ref = new LinkedHashMap<>();
                    ref.put("secret_id", secret.secretId());
                    if (secret.jsonKey() != null) {
                        ref.put("json_key", secret.jsonKey());
                    }
                    yield ref;
                }
            }));
            body.put(WholeUpdateJson.ENV, env);
        }
        Strategy strategy = request.strategy();
        Map<String, Object> s = new LinkedHashMap<>();
        if (!strategy.defaultWaves()) {
            s.put(WAVES, strategy.waves().stream().<Object>map(w -> switch (w) {
                case WaveEntry.Count c -> c.cvms();
                case WaveEntry.Percent p -> p.text();
            }).toList());
        }
        s.put(CHECK_INTERVAL, strategy.checkIntervalSeconds());
        s.put(BAKE, strategy.bakeSeconds());
        s.put(WAVE_TIMEOUT, strategy.waveTimeoutSeconds());
        s.put(ALARMS, strategy.alarms());
        s.put(ON_FAILURE, strategy.onFailure().wire());
        s.put(APPROVE_AFTER, strategy.approveAfter());
        s.put(APPROVAL_TIMEOUT, strategy.approvalTimeoutSeconds());
        body.put(STRATEGY, s);
        return Json.write(Json.object(body));
    }

    /**
     * The input of the rollout's Step Functions execution (the execution is named {@code rolloutId}):
     * {@code rollout_id}; {@code strategy} with the fields the state machine reads
     * ({@code check_interval_seconds}, {@code bake_seconds}, {@code has_alarms}, {@code alarms},
     * {@code on_failure}, {@code approval_timeout_seconds}: the wave timeout is the relay's check's
     * business); and {@code waves}, one {@code {"number", "approve_after"}} per planned wave (fewer
     * than the default's three for 1 to 4 targets). The
     * CVMs of each wave are not in it: they are in the relay's record of the rollout.
     */
    public static String executionInput(String rolloutId, Strategy strategy, WavePlan plan) {
        if (strategy.defaultWaves() ? plan.waves() > strategy.waves().size() : plan.waves() != strategy.waves().size()) {
            throw new IllegalArgumentException("a plan of " + plan.waves() + " waves for a strategy of "
                    + strategy.waves().size());
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(CHECK_INTERVAL, strategy.checkIntervalSeconds());
        s.put(BAKE, strategy.bakeSeconds());
        s.put("has_alarms", strategy.hasAlarms());
        s.put(ALARMS, strategy.alarms());
        s.put(ON_FAILURE, strategy.onFailure().wire());
        s.put(APPROVAL_TIMEOUT, strategy.approvalTimeoutSeconds());
        List<Object> waves = new ArrayList<>(plan.waves());
        for (int number = 1; number <= plan.waves(); number++) {
            Map<String, Object> wave = new LinkedHashMap<>();
            wave.put("number", number);
            wave.put(APPROVE_AFTER, strategy.pausesAfter(number));
            waves.add(wave);
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("rollout_id", rolloutId);
        input.put(STRATEGY, s);
        input.put(WAVES, waves);
        return Json.write(Json.object(input));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static void refuseUnknown(JrsValue node, String prefix, List<String> known, String rule) throws InvalidRequest {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidRequest(prefix + ComposeUpdateJson.printable(name), rule + " (known: "
                        + String.join(", ", known) + ")");
            }
        }
    }

    /** The node, or null when it is missing or JSON null (both mean "the default"). */
    private static JrsValue present(JrsValue node) {
        return node == null || node.isNull() ? null : node;
    }

    /** A JSON integer's value (clamped to a long's range), or null for a fraction or an exponent. */
    private static Long whole(JrsValue node) {
        Number n = Json.number(node);
        if (n instanceof Integer || n instanceof Long) {
            return n.longValue();
        }
        if (n instanceof BigInteger big) {
            return big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return null;
    }

    /** The same rule under another field's name: a CVM id of {@code targets.cvms}, checked as {@code cvm_id}. */
    private static InvalidRequest renamed(InvalidRequest e, String field) {
        String message = e.getMessage();
        String rule = e.field() == null ? message : message.substring(e.field().length() + 2);
        return new InvalidRequest(field, rule);
    }
}
