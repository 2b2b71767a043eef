package com.composerelay.aws;

import com.composerelay.codec.ReleaseChannelsJson;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.ReleaseChannels;
import com.composerelay.core.ReleaseChannels.Unavailable.Reason;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * Reads the release channels from their SSM Parameter Store parameter (a String or a SecureString:
 * {@code GetParameter} with decryption), one call bounded by the call's deadline, and checks the
 * list ({@link ReleaseChannelsJson}). Every failure is a {@link ReleaseChannels.Unavailable} naming
 * the parameter and the cause (SSM's error code, or the entry and field that break a rule); the
 * value is never logged nor quoted.
 */
public record SsmReleaseChannels(Supplier<SsmClient> client, String parameterName, AwsCallDeadline deadline)
        implements ReleaseChannels.Source {

    @Override
    public List<ReleaseChannel> fetch() throws ReleaseChannels.Unavailable {
        String text;
        try {
            text = client.get().getParameter(b -> b.name(parameterName).withDecryption(true)
                    .overrideConfiguration(deadline.bound())).parameter().value();
        } catch (ParameterNotFoundException e) {
            throw new ReleaseChannels.Unavailable(Reason.NOT_FOUND, "the release channels parameter " + parameterName
                    + " does not exist (ParameterNotFound)");
        } catch (SsmException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode();
            throw new ReleaseChannels.Unavailable(Reason.REFUSED, "SSM refused to read the release channels parameter "
                    + parameterName + " (" + code + ")");
        } catch (SdkException e) {
            throw new ReleaseChannels.Unavailable(Reason.UNREACHABLE, "SSM could not be reached for the release channels"
                    + " parameter " + parameterName + " (" + e.getClass().getSimpleName() + ")");
        }
        return parse(text, parameterName);
    }

    /** The list in {@code text}, or why it cannot be used (the entry and field, never the value). */
    public static List<ReleaseChannel> parse(String text, String parameterName) throws ReleaseChannels.Unavailable {
        try {
            return ReleaseChannelsJson.read(text == null ? "" : text);
        } catch (InvalidRequest e) {
            throw new ReleaseChannels.Unavailable(Reason.MALFORMED, "the release channels parameter " + parameterName
                    + " is unreadable: " + e.getMessage());
        }
    }
}
