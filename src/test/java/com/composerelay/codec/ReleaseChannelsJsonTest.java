package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.EnvValue;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.RolloutRequest.OnFailure;
import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.Targets;
import com.composerelay.core.RolloutRequest.WaveEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The release channels' list: every field checked, every refusal naming the entry's index and the field. */
class ReleaseChannelsJsonTest {
    /** A valid entry's fields, as JSON text, in order. */
    private static Map<String, String> base() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "\"shop-staging\"");
        fields.put("repository", "\"shop\"");
        fields.put("tags", "[\"rc-*\"]");
        fields.put("service", "\"web\"");
        fields.put("targets", "{\"app_id\": \"app_ab\"}");
        return fields;
    }

    private static String object(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** A list of a valid entry and, second, one with {@code field} set to {@code json} ("-": left out). */
    static String secondWith(String field, String json) {
        Map<String, String> second = base();
        second.put("name", "\"shop-prod\"");
        if (json.equals("-")) {
            second.remove(field);
        } else {
            second.put(field, json);
        }
        return "[" + object(base()) + ", " + object(second) + "]";
    }

    static String error(String json) {
        try {
            ReleaseChannelsJson.read(json);
        } catch (InvalidRequest e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void readsTheIssuesExample() throws Exception {
        List<ReleaseChannel> channels = ReleaseChannelsJson.read("""
                [{"name": "shop-prod", "repository": "shop", "tags": ["v*"], "service": "web",
                  "targets": {"app_id": "app_7c2e"}, "strategy": {"waves": [1, "100%"], "bake_seconds": 120},
                  "env": {"DATABASE_URL": {"secret_id": "compose-relay/env/shop", "json_key": "database_url"}}}]""");
        assertThat(channels).containsExactly(new ReleaseChannel("shop-prod", "shop", List.of("v*"), List.of("web"),
                new Targets.App("app_7c2e"),
                new Strategy(List.of(new WaveEntry.Count(1), new WaveEntry.Percent(100)), false, 15, 120, 600, List.of(),
                        OnFailure.ROLLBACK, List.of(), 86_400),
                Map.of("DATABASE_URL", new EnvValue.FromSecret("compose-relay/env/shop", "database_url"))));
    }

    @Test
    void defaultsStrategyAndEnvAndReadsServiceListsAndCvmTargets() throws Exception {
        List<ReleaseChannel> channels = ReleaseChannelsJson.read("""
                [{"name": "a", "repository": "team/shop-api", "tags": ["v?.*", "latest"], "service": ["web", "worker"],
                  "targets": {"cvms": ["cvm_1", "cvm_2"]}, "strategy": null, "env": null},
                 {"name": "B_2", "repository": "team/shop-api", "tags": ["*"], "service": ["web"],
                  "targets": {"app_id": "ab"}}]""");
        assertThat(channels).hasSize(2);
        assertThat(channels.get(0).services()).containsExactly("web", "worker");
        assertThat(channels.get(0).tagGlobs()).containsExactly("v?.*", "latest");
        assertThat(channels.get(0).targets()).isEqualTo(new Targets.Cvms(List.of("cvm_1", "cvm_2")));
        assertThat(channels.get(0).strategy()).isEqualTo(Strategy.defaults());
        assertThat(channels.get(0).env()).isEmpty();
        assertThat(channels.get(1).services()).containsExactly("web");
        assertThat(ReleaseChannelsJson.read("[]")).isEmpty();
    }

    @Test
    void takesEveryBoundAtItsEdge() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Map<String, String> entry = base();
            entry.put("name", "\"" + (i == 0 ? "x".repeat(64) : "c" + i) + "\"");
            many.add(object(entry));
        }
        assertThat(ReleaseChannelsJson.read("[" + String.join(",", many) + "]")).hasSize(100);
        String repository = ("a".repeat(127) + "/" + "b".repeat(128));
        assertThat(repository).hasSize(256);
        String tags = "[" + java.util.stream.IntStream.range(0, 20).mapToObj(i -> "\"t" + i + "\"")
                .collect(Collectors.joining(",")) + "]";
        String services = "[" + java.util.stream.IntStream.range(0, 10).mapToObj(i -> "\"s" + i + "\"")
                .collect(Collectors.joining(",")) + "]";
        ReleaseChannel channel = ReleaseChannelsJson.read("[{\"name\": \"n\", \"repository\": \"" + repository
                + "\", \"tags\": " + tags + ", \"service\": " + services + ", \"targets\": {\"app_id\": \"ab\"}}]").get(0);
        assertThat(channel.tagGlobs()).hasSize(20);
        assertThat(channel.services()).hasSize(10);
        assertThat(ReleaseChannelsJson.read(secondWith("tags", "[\"" + "v".repeat(128) + "\"]")).get(1).tagGlobs())
                .containsExactly("v".repeat(128));
        assertThat(ReleaseChannelsJson.read(secondWith("service", "\"" + "s".repeat(128) + "\"")).get(1).services())
                .containsExactly("s".repeat(128));
        assertThat(ReleaseChannelsJson.read(secondWith("repository", "\"ab\"")).get(1).repository()).isEqualTo("ab");
        assertThat(ReleaseChannelsJson.read(secondWith("repository", "\"a.b_c-d/e-f\"")).get(1).repository())
                .isEqualTo("a.b_c-d/e-f");
    }

    @Test
    void refusesTheListAsAWhole() {
        assertThat(error("")).isEqualTo("is not JSON: a list of release channels must be a JSON array");
        assertThat(error("[{]")).isEqualTo("is not JSON: a list of release channels must be a JSON array");
        assertThat(error("{\"name\": \"a\"}")).isEqualTo("must be a JSON array of release channels, not an object");
        assertThat(error("\"[]\"")).isEqualTo("must be a JSON array of release channels, not a string");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            Map<String, String> entry = base();
            entry.put("name", "\"c" + i + "\"");
            many.add(object(entry));
        }
        assertThat(error("[" + String.join(",", many) + "]")).isEqualTo("must list at most 100 release channels, not 101");
        assertThat(error("[" + object(base()) + ", 3]")).isEqualTo("[1]: must be an object, a release channel, not a number");
        assertThat(error("[" + object(base()) + ", " + object(base()) + "]"))
                .isEqualTo("[1].name: repeats [0].name: channel names are unique");
        assertThat(error("[{\"name\": \"a\", \"name\": \"b\"}]"))
                .isEqualTo("is not JSON: a list of release channels must be a JSON array");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown field        | tag          | "v*"                       | [1].tag: is not a known field of a release channel (known: name, repository, tags, service, targets, strategy, env)
            unknown cvm_id       | cvm_id       | "cvm_1"                    | [1].cvm_id: is not a known field of a release channel (known: name, repository, tags, service, targets, strategy, env)
            name missing         | name         | -                          | [1].name: is required
            name null            | name         | null                       | [1].name: is required
            name a number        | name         | 7                          | [1].name: must be a string, not a number
            name empty           | name         | ""                         | [1].name: must be 1 to 64 of A-Z a-z 0-9 _ -
            name too long        | name         | "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" | [1].name: must be 1 to 64 of A-Z a-z 0-9 _ -
            name a space         | name         | "shop prod"                | [1].name: must be 1 to 64 of A-Z a-z 0-9 _ -
            name a dot           | name         | "shop.prod"                | [1].name: must be 1 to 64 of A-Z a-z 0-9 _ -
            repository missing   | repository   | -                          | [1].repository: is required
            repository a list    | repository   | ["shop"]                   | [1].repository: must be a string, not a list
            repository short     | repository   | "s"                        | [1].repository: must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /, each /-separated part starting and ending with a letter or digit, no two separators together
            repository upper     | repository   | "Shop"                     | [1].repository: must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /, each /-separated part starting and ending with a letter or digit, no two separators together
            repository a URI     | repository   | "1.dkr.ecr.us-east-1.amazonaws.com/shop:v1" | [1].repository: must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /, each /-separated part starting and ending with a letter or digit, no two separators together
            repository slash end | repository   | "team/"                    | [1].repository: must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /, each /-separated part starting and ending with a letter or digit, no two separators together
            repository -start    | repository   | "-shop"                    | [1].repository: must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /, each /-separated part starting and ending with a letter or digit, no two separators together
            repository two seps  | repository   | "shop..api"                | [1].repository: must be an ECR repository name: 2 to 256 of a-z 0-9 . _ - /, each /-separated part starting and ending with a letter or digit, no two separators together
            tags missing         | tags         | -                          | [1].tags: is required: a list of tag patterns like ["v*"]
            tags a string        | tags         | "v*"                       | [1].tags: must be a list of tag patterns like ["v*"], not a string
            tags empty           | tags         | []                         | [1].tags: must list 1 to 20 tag patterns, not 0
            tags too many        | tags         | ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18","19","20","21"] | [1].tags: must list 1 to 20 tag patterns, not 21
            tag a number         | tags         | ["v*", 1]                  | [1].tags[1]: must be a string, not a number
            tag empty            | tags         | [""]                       | [1].tags[0]: must be a tag pattern of 1 to 128 of A-Z a-z 0-9 _ . - and the wildcards * (any run of characters) and ? (one character)
            tag a class          | tags         | ["v[0-9]*"]                | [1].tags[0]: must be a tag pattern of 1 to 128 of A-Z a-z 0-9 _ . - and the wildcards * (any run of characters) and ? (one character)
            tag a space          | tags         | ["v 1"]                    | [1].tags[0]: must be a tag pattern of 1 to 128 of A-Z a-z 0-9 _ . - and the wildcards * (any run of characters) and ? (one character)
            tag a colon          | tags         | ["shop:v1"]                | [1].tags[0]: must be a tag pattern of 1 to 128 of A-Z a-z 0-9 _ . - and the wildcards * (any run of characters) and ? (one character)
            tag too long         | tags         | ["vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"] | [1].tags[0]: must be a tag pattern of 1 to 128 of A-Z a-z 0-9 _ . - and the wildcards * (any run of characters) and ? (one character)
            tag repeated         | tags         | ["v*", "rc", "v*"]         | [1].tags[2]: repeats [1].tags[0]
            service missing      | service      | -                          | [1].service: is required: the compose service whose image follows the repository, or a list of them
            service null         | service      | null                       | [1].service: is required: the compose service whose image follows the repository, or a list of them
            service an object    | service      | {"name": "web"}            | [1].service: must be a compose service name or a list of them, not an object
            service empty        | service      | ""                         | [1].service: must be a compose service name: 1 to 128 of A-Z a-z 0-9 . _ -
            service a slash      | service      | "web/api"                  | [1].service: must be a compose service name: 1 to 128 of A-Z a-z 0-9 . _ -
            services empty       | service      | []                         | [1].service: must list 1 to 10 compose services, not 0
            services too many    | service      | ["a","b","c","d","e","f","g","h","i","j","k"] | [1].service: must list 1 to 10 compose services, not 11
            services a number    | service      | ["web", 2]                 | [1].service[1]: must be a string, not a number
            services a bad name  | service      | ["web", "a b"]             | [1].service[1]: must be a compose service name: 1 to 128 of A-Z a-z 0-9 . _ -
            services repeated    | service      | ["web", "db", "web"]       | [1].service[2]: repeats [1].service[0]
            targets missing      | targets      | -                          | [1].targets: is required: {"app_id": …} or {"cvms": [ids…]}
            targets a string     | targets      | "app_ab"                   | [1].targets: must be an object, {"app_id": …} or {"cvms": [ids…]}, not a string
            targets both         | targets      | {"app_id": "ab", "cvms": ["c"]} | [1].targets: must have exactly one of app_id and cvms, not both
            targets unknown      | targets      | {"app": "ab"}              | [1].targets.app: is not a known field (known: app_id, cvms)
            targets app_id bad   | targets      | {"app_id": "shop"}         | [1].targets.app_id: must be a Phala app id: 1 to 64 hex digits, optionally prefixed with app_
            targets cvms empty   | targets      | {"cvms": []}               | [1].targets.cvms: must list 1 to 100 CVM ids, not 0
            targets cvm repeated | targets      | {"cvms": ["cvm_1", "cvm_1"]} | [1].targets.cvms[1]: repeats targets.cvms[0]
            strategy a list      | strategy     | []                         | [1].strategy: must be an object, not a list
            strategy unknown     | strategy     | {"wave": [1]}              | [1].strategy.wave: is not a known field (known: waves, check_interval_seconds, bake_seconds, wave_timeout_seconds, alarms, on_failure, approve_after, approval_timeout_seconds)
            strategy bake        | strategy     | {"bake_seconds": -1}       | [1].strategy.bake_seconds: must be a whole number of seconds from 0 to 3600
            strategy on_failure  | strategy     | {"on_failure": "retry"}    | [1].strategy.on_failure: must be "rollback" or "stop"
            strategy wave        | strategy     | {"waves": ["0%"]}          | [1].strategy.waves[0]: must be a percentage of the targets from "1%" to "100%", like "25%"
            env a string         | env          | "A=1"                      | [1].env: must be an object of variable names to values or secret references, not a string
            env empty            | env          | {}                         | [1].env: must name at least one variable, or be left out (an env update replaces the whole set)
            env bad name         | env          | {"1A": "x"}                | [1].env.1A: is not an environment variable name: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters
            env secret unknown   | env          | {"A": {"secret": "s"}}     | [1].env.A.secret: is not a known field (known: secret_id, json_key)
            env secret missing   | env          | {"A": {"json_key": "k"}}   | [1].env.A.secret_id: is required: the name of a Secrets Manager secret
            """)
    void refusesEachBrokenFieldNamingTheEntryAndField(String why, String field, String json, String expected) {
        assertThat(error(secondWith(field, json))).isEqualTo(expected);
    }

    @Test
    void refusesAWavePlanThatDoesNotFitListedCvms() {
        assertThat(error("[" + object(base()) + ", {\"name\": \"b\", \"repository\": \"shop\", \"tags\": [\"v*\"],"
                + " \"service\": \"web\", \"targets\": {\"cvms\": [\"cvm_1\", \"cvm_2\"]},"
                + " \"strategy\": {\"waves\": [3, \"100%\"]}}]"))
                .isEqualTo("[1].strategy.waves[0]: 3 is more than the 2 targets");
    }

    @Test
    void neverQuotesAValue() {
        String secret = "s3cr3t-literal-value";
        String message = error(secondWith("env", "{\"A\": \"" + secret + "\", \"B\": 1}"));
        assertThat(message).isEqualTo("[1].env.B: must be a string or {\"secret_id\": …, \"json_key\": …}, not a number");
        assertThat(error(secondWith("name", "\"" + secret + " x\""))).doesNotContain(secret);
        assertThat(error(secondWith("tags", "[\"" + secret + "[\"]"))).doesNotContain(secret);
    }
}
