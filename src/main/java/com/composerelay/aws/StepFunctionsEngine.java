package com.composerelay.aws;

import com.composerelay.core.RolloutEngine;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The rollout state machine on AWS Step Functions: an execution per rollout, named by its id, and
 * the answers to its {@code .waitForTaskToken} tasks. A start whose name exists counts as started
 * (the relay keeps one input per name); an answer to a token that waits no more is not an error.
 */
public record StepFunctionsEngine(Supplier<SfnClient> client, String stateMachineArn, AwsCallDeadline deadline)
        implements RolloutEngine {
    /** Step Functions' bound on a task's cause text. */
    static final int MAX_CAUSE = 32_768;
    static final int MAX_ERROR = 256;

    @Override
    public boolean configured() {
        return true;
    }

    @Override
    public void start(String rolloutId, String input) throws Unavailable {
        try {
            client.get().startExecution(b -> b.stateMachineArn(stateMachineArn).name(rolloutId).input(input)
                    .overrideConfiguration(deadline.bound()));
        } catch (ExecutionAlreadyExistsException e) {
            // Started before under this name (the relay gives a name one input): the same rollout.
        } catch (SdkException e) {
            throw new Unavailable("StartExecution: " + code(e));
        }
    }

    @Override
    public boolean succeed(String taskToken, String output) throws Unavailable {
        try {
            client.get().sendTaskSuccess(b -> b.taskToken(taskToken).output(output).overrideConfiguration(deadline.bound()));
            return true;
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
            return false;
        } catch (SdkException e) {
            throw new Unavailable("SendTaskSuccess: " + code(e));
        }
    }

    @Override
    public boolean fail(String taskToken, String error, String cause) throws Unavailable {
        String boundedCause = cause == null || cause.length() <= MAX_CAUSE ? cause : cause.substring(0, MAX_CAUSE);
        String boundedError = error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        try {
            client.get().sendTaskFailure(b -> b.taskToken(taskToken).error(boundedError).cause(boundedCause)
                    .overrideConfiguration(deadline.bound()));
            return true;
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
            return false;
        } catch (SdkException e) {
            throw new Unavailable("SendTaskFailure: " + code(e));
        }
    }

    private static String code(SdkException e) {
        if (e instanceof SfnException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }
}
