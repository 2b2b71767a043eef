package com.composerelay.wiring;

import com.composerelay.config.Config;
import com.composerelay.log.Log;
import com.composerelay.core.FinalOutcomes;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Publication;
import com.composerelay.core.Runs;
import com.composerelay.trigger.ApiGatewayTrigger;
import com.composerelay.trigger.Dispatcher;
import com.composerelay.trigger.SigningKey;
import com.composerelay.trigger.SqsTrigger;
import com.composerelay.trigger.RolloutApiTrigger;
import com.composerelay.trigger.RolloutTaskTrigger;
import com.composerelay.trigger.HookTrigger;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.TokenCheck;
import com.composerelay.core.TokenRevocations;
import com.composerelay.trigger.PhalaApiTrigger;
import com.composerelay.trigger.PhalaEventsTrigger;
import com.composerelay.trigger.SlackAllowlist;
import com.composerelay.trigger.SlackCommandTrigger;
import com.composerelay.trigger.SlackInteractionsTrigger;
import com.composerelay.trigger.RolloutStarts;
import java.util.Optional;

/**
 * Which signed routes are on, from the configuration alone: each once its secret id is set, and
 * Slack's only with a request queue to hand its updates to; the Phala-compatible API once its relay
 * tokens' secret is set. A route that is off answers 404.
 */
final class Routes {
    private Routes() {}

    static Dispatcher.Triggers triggers(Config config, Adapters adapters, ApiGatewayTrigger api, SqsTrigger sqs, Runs runs,
                                        Pipeline pipeline, FinalOutcomes finals, Publication publication,
                                        Optional<RolloutApiTrigger> rollouts,
                                        Optional<RolloutTaskTrigger> rolloutTasks, Optional<RolloutStarts> starts) {
        Config.ChatOps chat = config.chatOps();
        SlackAllowlist allowlist;
        try {
            allowlist = SlackAllowlist.parse(chat.slackAllowlist());
        } catch (IllegalArgumentException e) {
            throw new Config.Invalid("SLACK_ALLOWLIST: " + e.getMessage());
        }
        if (chat.slackSigningSecretId().isPresent() && !config.slackRoute()) {
            Log.warn("SLACK_SIGNING_SECRET_ID is set but REQUEST_QUEUE_URL is not: the Slack route is off");
        }
        Optional<SlackCommandTrigger> slack = chat.slackSigningSecretId().filter(id -> config.slackRoute())
                .map(id -> new SlackCommandTrigger(new SigningKey(adapters.signingSecrets(), id), allowlist, adapters.queue(),
                        adapters.table(), adapters.clock()));
        // The buttons of a rollout's card: with Slack's secret and rollouts on.
        Optional<SlackInteractionsTrigger> interactions = chat.slackSigningSecretId().flatMap(id -> starts
                .map(s -> new SlackInteractionsTrigger(new SigningKey(adapters.signingSecrets(), id), allowlist, s,
                        adapters.table(), adapters.replies(), adapters.clock())));
        Optional<HookTrigger> hook = chat.hookSecretId()
                .map(id -> new HookTrigger(runs, pipeline, new SigningKey(adapters.signingSecrets(), id), adapters.clock()));
        Optional<PhalaEventsTrigger> phala = chat.phalaWebhookSecretId()
                .map(id -> new PhalaEventsTrigger(new SigningKey(adapters.signingSecrets(), id), adapters.table(), finals, publication,
                        adapters.clock()));
        Optional<PhalaApiTrigger> phalaApi = config.clientApi().relayTokensSecretId()
                .map(id -> {
                    // Revocations are read on every use of a token, never cached: a revocation holds at once everywhere.
                    TokenRevocations revocations = new TokenRevocations(adapters.table(), adapters.clock());
                    return new PhalaApiTrigger(new TokenCheck(new RelayTokens(adapters.clientApi().tokens(),
                            config.apiKeyCacheTtl(), adapters.clock()), revocations, adapters.clock(),
                            new CachedCvmIdentities(runs.relay(), adapters.clientApi().phala(), adapters.clock())),
                            revocations,
                            adapters.clientApi().phala(), runs.relay(), pipeline, adapters.clock(), adapters.sleeper());
                });
        return new Dispatcher.Triggers(api, sqs, slack, hook, phala, phalaApi, rollouts, rolloutTasks,
                interactions);
    }
}
