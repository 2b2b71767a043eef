package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.composerelay.support.Harness;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private final Harness harness = new Harness();

    /** The invocation fails with an UnrecognisedEvent (Lambda's Errors metric counts it); nothing is sent. */
    private String error(String event) {
        Throwable thrown = catchThrowable(() -> harness.invoke(event));
        assertThat(thrown).isInstanceOf(UnrecognisedEvent.class);
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
        return thrown.getMessage();
    }

    @Test
    void namesTheSourceOfAnUnknownEvent() {
        assertThat(error("{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\"}"))
                .isEqualTo("unrecognised event: event with source 'aws.events'; the relay accepts API Gateway "
                        + "(HTTP API payload 2.0, REST API proxy) and SQS events; nothing was forwarded");
    }

    @Test
    void namesTheRecordSourceOfAnUnknownRecordsEvent() {
        assertThat(error("{\"Records\":[{\"eventSource\":\"aws:s3\"}]}"))
                .startsWith("unrecognised event: event with records from 'aws:s3';");
        assertThat(error("{\"Records\":[{\"EventSource\":\"aws:sns\"}]}"))
                .startsWith("unrecognised event: event with records from 'aws:sns';");
    }

    @Test
    void namesTheTopLevelKeysOfAnUnknownEvent() {
        assertThat(error("{\"cvm_id\":\"c1\",\"compose_hash\":\"ab\"}"))
                .startsWith("unrecognised event: event with top-level keys [cvm_id, compose_hash];");
    }

    @Test
    void answersAnEventThatIsNotAnObject() {
        assertThat(error("[1,2,3]")).startsWith("unrecognised event: a JSON array instead of an event object;");
        assertThat(error("{}")).startsWith("unrecognised event: empty event object;");
    }

    @Test
    void answersAnEventThatIsNotJson() {
        assertThat(error("{\"version\":")).startsWith("the event is not valid JSON (line 1, column ");
    }

    @Test
    void keepsServingAfterAnUnknownEvent() {
        error("{\"source\":\"aws.events\"}");
        JsonNode response = harness.invoke(com.composerelay.support.Fixtures.eventText("http-api.json"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
    }
}
