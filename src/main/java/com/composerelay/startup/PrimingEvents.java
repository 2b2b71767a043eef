package com.composerelay.startup;

/** Small events in the real shapes, to run the code path before a snapshot. */
final class PrimingEvents {
    private PrimingEvents() {}

    static final String HTTP_API = """
            {"version":"2.0","routeKey":"PATCH /cvms/{cvm_id}/compose_file","rawPath":"/cvms/cvm_priming/compose_file",
             "headers":{"content-type":"application/json"},
             "requestContext":{"http":{"method":"PATCH","path":"/cvms/cvm_priming/compose_file"},"requestId":"priming"},
             "pathParameters":{"cvm_id":"cvm_priming"},
             "body":"{\\"compose_hash\\":\\"00\\",\\"encrypted_env\\":null,\\"env_keys\\":[\\"A\\"],\\"update_env_vars\\":false}",
             "isBase64Encoded":false}
            """;

    static final String SQS = """
            {"Records":[{"messageId":"priming","body":"{\\"cvm_id\\":\\"cvm_priming\\",\\"compose_hash\\":\\"00\\"}",
             "attributes":{"ApproximateReceiveCount":"1"},"messageAttributes":{},"eventSource":"aws:sqs",
             "eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:priming","awsRegion":"us-east-1"}]}
            """;

    /** A wave's check from the priming dispatcher's task queue (wiring's {@code PrimingRollouts}). */
    static final String ROLLOUT_TASK = """
            {"Records":[{"messageId":"priming-task","body":"{\\"relay_task\\":\\"check\\",\\"rollout_id\\":\\"priming\\",\\"wave\\":1,\\"phase\\":\\"wave\\",\\"task_token\\":\\"priming\\"}",
             "attributes":{"ApproximateReceiveCount":"1"},"messageAttributes":{},"eventSource":"aws:sqs",
             "eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:priming-tasks","awsRegion":"us-east-1"}]}
            """;
}
