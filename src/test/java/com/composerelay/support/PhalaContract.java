package com.composerelay.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;

/**
 * Phala's published contract ({@code compose-file-update.openapi.yaml}), checked by an OpenAPI
 * request validator against every PATCH the relay sent, so the relay cannot drift from it.
 */
public final class PhalaContract {
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForSpecificationUrl(Path.of(System.getProperty("phala.openapi",
                    "src/test/resources/phala/compose-file-update.openapi.yaml")).toUri().toString())
            .build();

    private PhalaContract() {}

    /** The validator's report on one request the stand-in received. */
    public static ValidationReport check(LoggedRequest logged) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(Request.Method.valueOf(logged.getMethod().getName()),
                logged.getUrl());
        logged.getHeaders().all().forEach(h -> request.withHeader(h.key(), h.values()));
        request.withBody(logged.getBodyAsString());
        return VALIDATOR.validateRequest(request.build());
    }

    /** The same validator on any method, path and body: for tests that the validator itself bites. */
    public static ValidationReport check(String method, String path, String body) {
        return VALIDATOR.validateRequest(new SimpleRequest.Builder(Request.Method.valueOf(method), path)
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build());
    }
}
