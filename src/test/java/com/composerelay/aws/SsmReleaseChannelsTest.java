package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.ReleaseChannels;
import com.composerelay.core.ReleaseChannels.Unavailable.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** The SSM adapter over a stand-in client: the call it makes, and each failure worded without the value. */
class SsmReleaseChannelsTest {
    private static final String NAME = "/compose-relay/release-channels";
    private static final String VALID = "[{\"name\": \"shop-prod\", \"repository\": \"shop\", \"tags\": [\"v*\"],"
            + " \"service\": \"web\", \"targets\": {\"app_id\": \"ab\"}}]";
    private final List<GetParameterRequest> requests = new ArrayList<>();

    private SsmReleaseChannels answering(Function<GetParameterRequest, GetParameterResponse> answer) {
        SsmClient client = new SsmClient() {
            @Override
            public GetParameterResponse getParameter(GetParameterRequest request) {
                requests.add(request);
                return answer.apply(request);
            }

            @Override
            public String serviceName() {
                return "ssm";
            }

            @Override
            public void close() {}
        };
        return new SsmReleaseChannels(() -> client, NAME, new AwsCallDeadline(Clock.systemUTC(), Duration.ofMillis(1500)));
    }

    private static GetParameterResponse value(String value) {
        return GetParameterResponse.builder().parameter(p -> p.name(NAME).value(value)).build();
    }

    private static void fails(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOf(ReleaseChannels.Unavailable.class).hasMessage(message)
                .satisfies(e -> assertThat(((ReleaseChannels.Unavailable) e).reason()).isEqualTo(reason));
    }

    @Test
    void readsTheParameterDecryptedWithinTheCallsDeadline() throws Exception {
        assertThat(answering(r -> value(VALID)).fetch()).singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("shop-prod"));
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo(NAME);
            assertThat(r.withDecryption()).isTrue();
            assertThat(r.overrideConfiguration().flatMap(o -> o.apiCallTimeout())).contains(AwsCallDeadline.LONGEST);
        });
    }

    @Test
    void namesAMissingParameter() {
        fails(answering(r -> {
            throw ParameterNotFoundException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ParameterNotFound").build()).build();
        })::fetch, Reason.NOT_FOUND, "the release channels parameter " + NAME + " does not exist (ParameterNotFound)");
    }

    @Test
    void namesSsmsErrorCode() {
        fails(answering(r -> {
            throw SsmException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
        })::fetch, Reason.REFUSED, "SSM refused to read the release channels parameter " + NAME + " (AccessDeniedException)");
        fails(answering(r -> {
            throw SsmException.builder().statusCode(503).build();
        })::fetch, Reason.REFUSED, "SSM refused to read the release channels parameter " + NAME + " (HTTP 503)");
    }

    @Test
    void namesAnUnreachableSsm() {
        fails(answering(r -> {
            throw ApiCallTimeoutException.create(10_000);
        })::fetch, Reason.UNREACHABLE, "SSM could not be reached for the release channels parameter " + NAME
                + " (ApiCallTimeoutException)");
    }

    @Test
    void aMalformedListIsUnreadableNamedByEntryAndFieldNeverQuoted() {
        String secretish = "[{\"name\": \"hush-hush value\", \"repository\": \"shop\"}]";
        fails(answering(r -> value(secretish))::fetch, Reason.MALFORMED, "the release channels parameter " + NAME
                + " is unreadable: [0].name: must be 1 to 64 of A-Z a-z 0-9 _ -");
        fails(answering(r -> value("not json hush-hush"))::fetch, Reason.MALFORMED, "the release channels parameter "
                + NAME + " is unreadable: is not JSON: a list of release channels must be a JSON array");
        fails(() -> SsmReleaseChannels.parse(null, NAME), Reason.MALFORMED, "the release channels parameter " + NAME
                + " is unreadable: is not JSON: a list of release channels must be a JSON array");
    }
}
