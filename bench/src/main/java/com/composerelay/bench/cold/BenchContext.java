package com.composerelay.bench.cold;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** The smallest Lambda context: a request id and the function's 28 s timeout (template.yaml). */
public final class BenchContext implements Context {
    private final long deadlineMillis = System.currentTimeMillis() + 28_000;

    @Override public String getAwsRequestId() { return "bench-cold-1"; }
    @Override public String getLogGroupName() { return "/aws/lambda/compose-relay"; }
    @Override public String getLogStreamName() { return "bench"; }
    @Override public String getFunctionName() { return "compose-relay"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:compose-relay"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return (int) (deadlineMillis - System.currentTimeMillis()); }
    @Override public int getMemoryLimitInMB() { return 512; }
    @Override public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message)); }
        };
    }
}
