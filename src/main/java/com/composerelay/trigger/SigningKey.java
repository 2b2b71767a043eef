package com.composerelay.trigger;

import com.composerelay.core.SigningSecrets;

/** Where a signed route's secret is: the secrets' store and the secret's id (Slack's, the CI hook's, Phala's). */
public record SigningKey(SigningSecrets secrets, String secretId) {}
