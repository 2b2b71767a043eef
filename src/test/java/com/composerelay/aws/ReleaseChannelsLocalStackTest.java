package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.ReleaseChannels;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LocalAws;
import com.composerelay.support.MutableClock;
import com.composerelay.support.Tags;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** The release channels' adapter against LocalStack's Parameter Store, on the relay's own SSM client. */
@Tag(Tags.LOCALSTACK)
class ReleaseChannelsLocalStackTest {
    private static final AwsCallDeadline DEADLINE = new AwsCallDeadline(Clock.systemUTC(), Duration.ZERO);
    private static LocalAws aws;
    private static SsmClient ssm;

    @BeforeAll
    static void localStack() {
        aws = new LocalAws();
        ssm = new AwsClients(Fixtures.config("AWS_ENDPOINT_URL", aws.endpoint.toString()), LocalAws.CREDENTIALS).ssm();
    }

    private static String channel(String name, String repository) {
        return "{\"name\": \"" + name + "\", \"repository\": \"" + repository + "\", \"tags\": [\"v*\"],"
                + " \"service\": \"web\", \"targets\": {\"app_id\": \"app_7c2e\"}}";
    }

    private static String put(String name, String value, ParameterType type) {
        String path = "/" + aws.prefix + "/" + name;
        ssm.putParameter(b -> b.name(path).value(value).type(type).overwrite(true));
        return path;
    }

    @Test
    void readsAStringParameter() throws Exception {
        String path = put("plain", "[" + channel("shop-prod", "shop") + "]", ParameterType.STRING);
        assertThat(new SsmReleaseChannels(() -> ssm, path, DEADLINE).fetch()).extracting(ReleaseChannel::name)
                .containsExactly("shop-prod");
    }

    @Test
    void readsASecureStringDecrypted() throws Exception {
        String path = put("secure", "[" + channel("shop-prod", "shop") + ", " + channel("api-prod", "team/api") + "]",
                ParameterType.SECURE_STRING);
        assertThat(new SsmReleaseChannels(() -> ssm, path, DEADLINE).fetch()).extracting(ReleaseChannel::repository)
                .containsExactly("shop", "team/api");
    }

    @Test
    void aMissingOrMalformedParameterIsUnavailableNamed() {
        String missing = "/" + aws.prefix + "/none";
        assertThatThrownBy(() -> new SsmReleaseChannels(() -> ssm, missing, DEADLINE).fetch())
                .isInstanceOf(ReleaseChannels.Unavailable.class)
                .hasMessage("the release channels parameter " + missing + " does not exist (ParameterNotFound)");
        String path = put("malformed", "[" + channel("shop-prod", "shop") + ", " + channel("api prod", "api") + "]",
                ParameterType.SECURE_STRING);
        assertThatThrownBy(() -> new SsmReleaseChannels(() -> ssm, path, DEADLINE).fetch())
                .isInstanceOf(ReleaseChannels.Unavailable.class)
                .hasMessage("the release channels parameter " + path + " is unreadable: [1].name: must be 1 to 64 of"
                        + " A-Z a-z 0-9 _ -");
    }

    @Test
    void aChannelAddedToTheParameterServesAPushWithinAMinute() throws Exception {
        String path = put("cached", "[" + channel("shop-prod", "shop") + "]", ParameterType.STRING);
        MutableClock clock = new MutableClock();
        ReleaseChannels channels = new ReleaseChannels(new SsmReleaseChannels(() -> ssm, path, DEADLINE),
                Duration.ofMinutes(5), clock);
        assertThat(channels.matching("api", "v1")).isEmpty();
        put("cached", "[" + channel("shop-prod", "shop") + ", " + channel("api-prod", "api") + "]", ParameterType.STRING);
        assertThat(channels.matching("api", "v1")).isEmpty();
        clock.advance(ReleaseChannels.REREAD_AFTER);
        assertThat(channels.matching("api", "v1")).extracting(ReleaseChannel::name).containsExactly("api-prod");
    }
}
