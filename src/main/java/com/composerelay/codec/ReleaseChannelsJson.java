package com.composerelay.codec;

import com.composerelay.core.EnvValue;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.Targets;
import com.composerelay.core.WavePlan;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the release channels' list (the SSM parameter's value): a JSON array of
 * <pre>{"name", "repository", "tags": [glob…], "service": "web" or ["web", …],
 *  "targets": {"app_id"} or {"cvms"}, "strategy": {…}, "env": {…}}</pre>
 * {@code targets}, {@code strategy} and {@code env} are a rollout's, read by the rollout form's own
 * readers ({@link RolloutJson}, {@link WholeUpdateJson}); {@code strategy} and {@code env} are
 * optional. Every field is checked and bounded, unknown fields refused; names are unique. One
 * entry that breaks a rule makes the whole list unreadable: the error names the entry's index and
 * the field, {@code [2].tags[0]: …}, never a value (a typo must not deploy more widely, or to other
 * CVMs, than the list says).
 */
public final class ReleaseChannelsJson {
    public static final int MAX_CHANNELS = 100;
    public static final int MAX_TAGS = 20;
    public static final int MAX_TAG_GLOB = 128;
    public static final int MAX_SERVICES = 10;
    public static final int MAX_SERVICE_NAME = 128;
    static final String NAME = "name";
    static final String REPOSITORY = "repository";
    static final String TAGS = "tags";
    static final String SERVICE = "service";
    private static final List<String> KNOWN = List.of(NAME, REPOSITORY, TAGS, SERVICE, RolloutJson.TARGETS,
            RolloutJson.STRATEGY, WholeUpdateJson.ENV);
    private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** ECR's rule for a repository name (CreateRepository), 2 to 256 characters. */
    private static final Pattern ECR_REPOSITORY = Pattern.compile("(?:[a-z0-9]++(?:[._-][a-z0-9]++)*+/)*+[a-z0-9]++(?:[._-][a-z0-9]++)*+");
    /** A Docker tag's characters, and the two wildcards. */
    private static final Pattern TAG_GLOB = Pattern.compile("[A-Za-z0-9_.*?-]+");
    /** The compose specification's rule for a service name. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private ReleaseChannelsJson() {}

    /** Reads and checks the whole list; the first entry that breaks a rule makes it unreadable, named. */
    public static List<ReleaseChannel> read(String json) throws InvalidRequest {
        JrsValue list;
        try {
            list = Json.parse(json);
        } catch (Json.Malformed e) {
            throw new InvalidRequest(null, "is not JSON: a list of release channels must be a JSON array");
        }
        if (list == null) {
            throw new InvalidRequest(null, "is empty: a list of release channels must be a JSON array");
        }
        if (!list.isArray()) {
            throw new InvalidRequest(null, "must be a JSON array of release channels, not " + ComposeUpdateJson.kind(list));
        }
        if (list.size() > MAX_CHANNELS) {
            throw new InvalidRequest(null, "must list at most " + MAX_CHANNELS + " release channels, not " + list.size());
        }
        List<ReleaseChannel> channels = new ArrayList<>(list.size());
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            ReleaseChannel channel = channel(list.get(i), "[" + i + "]");
            Integer earlier = names.putIfAbsent(channel.name(), i);
            if (earlier != null) {
                throw new InvalidRequest("[" + i + "]." + NAME, "repeats [" + earlier + "].name: channel names are unique");
            }
            channels.add(channel);
        }
        return channels;
    }

    private static ReleaseChannel channel(JrsValue entry, String at) throws InvalidRequest {
        if (!entry.isObject()) {
            throw new InvalidRequest(at, "must be an object, a release channel, not " + ComposeUpdateJson.kind(entry));
        }
        for (Iterator<String> fields = entry.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!KNOWN.contains(field)) {
                throw new InvalidRequest(at + "." + ComposeUpdateJson.printable(field), "is not a known field of a release"
                        + " channel (known: " + String.join(", ", KNOWN) + ")");
            }
        }
        String name = text(entry, at, NAME);
        if (!CHANNEL_NAME.matcher(name).matches()) {
            throw new InvalidRequest(at + "." + NAME, "must be 1 to 64 of A-Z a-z 0-9 _ -");
        }
        String repository = text(entry, at, REPOSITORY);
        if (repository.length() < 2 || repository.length() > 256 || !ECR_REPOSITORY.matcher(repository).matches()) {
            throw new InvalidRequest(at + "." + REPOSITORY, "must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /,"
                    + " each /-separated part starting and ending with a letter or digit, no two separators together");
        }
        List<String> tags = tags(entry.get(TAGS), at + "." + TAGS);
        List<String> services = services(entry.get(SERVICE), at + "." + SERVICE);
        Targets targets;
        Strategy strategy;
        Map<String, EnvValue> env;
        try {
            targets = RolloutJson.targets(entry.get(RolloutJson.TARGETS));
            strategy = RolloutJson.strategy(entry.get(RolloutJson.STRATEGY));
            if (targets instanceof Targets.Cvms cvms) {
                WavePlan.of(cvms.cvmIds().size(), strategy);
            }
            env = WholeUpdateJson.env(entry.get(WholeUpdateJson.ENV));
        } catch (InvalidRequest e) {
            throw within(e, at);
        }
        return new ReleaseChannel(name, repository, tags, services, targets, strategy, env);
    }

    /** A required string field. */
    private static String text(JrsValue entry, String at, String field) throws InvalidRequest {
        JrsValue node = entry.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRequest(at + "." + field, "is required");
        }
        if (!Json.isText(node)) {
            throw new InvalidRequest(at + "." + field, "must be a string, not " + ComposeUpdateJson.kind(node));
        }
        return Json.text(node);
    }

    private static List<String> tags(JrsValue node, String field) throws InvalidRequest {
        if (node == null || node.isNull()) {
            throw new InvalidRequest(field, "is required: a list of tag patterns like [\"v*\"]");
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, "must be a list of tag patterns like [\"v*\"], not " + ComposeUpdateJson.kind(node));
        }
        if (node.size() < 1 || node.size() > MAX_TAGS) {
            throw new InvalidRequest(field, "must list 1 to " + MAX_TAGS + " tag patterns, not " + node.size());
        }
        List<String> tags = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String item = field + "[" + i + "]";
            JrsValue tag = node.get(i);
            if (!Json.isText(tag)) {
                throw new InvalidRequest(item, "must be a string, not " + ComposeUpdateJson.kind(tag));
            }
            String glob = Json.text(tag);
            if (glob.isEmpty() || glob.length() > MAX_TAG_GLOB || !TAG_GLOB.matcher(glob).matches()) {
                throw new InvalidRequest(item, "must be a tag pattern of 1 to " + MAX_TAG_GLOB + " of A-Z a-z 0-9 _ . -"
                        + " and the wildcards * (any run of characters) and ? (one character)");
            }
            int earlier = tags.indexOf(glob);
            if (earlier >= 0) {
                throw new InvalidRequest(item, "repeats " + field + "[" + earlier + "]");
            }
            tags.add(glob);
        }
        return tags;
    }

    private static List<String> services(JrsValue node, String field) throws InvalidRequest {
        if (node == null || node.isNull()) {
            throw new InvalidRequest(field, "is required: the compose service whose image follows the repository, or a list of them");
        }
        if (Json.isText(node)) {
            return List.of(serviceName(node, field));
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, "must be a compose service name or a list of them, not " + ComposeUpdateJson.kind(node));
        }
        if (node.size() < 1 || node.size() > MAX_SERVICES) {
            throw new InvalidRequest(field, "must list 1 to " + MAX_SERVICES + " compose services, not " + node.size());
        }
        List<String> services = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String item = field + "[" + i + "]";
            String service = serviceName(node.get(i), item);
            int earlier = services.indexOf(service);
            if (earlier >= 0) {
                throw new InvalidRequest(item, "repeats " + field + "[" + earlier + "]");
            }
            services.add(service);
        }
        return services;
    }

    private static String serviceName(JrsValue node, String field) throws InvalidRequest {
        if (!Json.isText(node)) {
            throw new InvalidRequest(field, "must be a string, not " + ComposeUpdateJson.kind(node));
        }
        String name = Json.text(node);
        if (name.isEmpty() || name.length() > MAX_SERVICE_NAME || !SERVICE_NAME.matcher(name).matches()) {
            throw new InvalidRequest(field, "must be a compose service name: 1 to " + MAX_SERVICE_NAME
                    + " of A-Z a-z 0-9 . _ -");
        }
        return name;
    }

    /** A rollout reader's error, named within the entry: {@code targets.app_id} becomes {@code [3].targets.app_id}. */
    private static InvalidRequest within(InvalidRequest e, String at) {
        if (e.field() == null) {
            return new InvalidRequest(at, e.getMessage());
        }
        return new InvalidRequest(at + "." + e.field(), e.getMessage().substring(e.field().length() + 2));
    }
}
