package com.composerelay.wiring;

import com.composerelay.config.Config;
import com.composerelay.log.Log;
import com.composerelay.trigger.Delivery;
import com.composerelay.trigger.HookTrigger;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.TokenCheck;
import com.composerelay.trigger.PhalaApiTrigger;
import com.composerelay.trigger.PhalaEventsTrigger;
import com.composerelay.trigger.SlackAllowlist;
import com.composerelay.trigger.SlackCommandTrigger;
import com.composerelay.trigger.WebhookRoutes;
import java.util.Optional;

/**
 * Which signed routes are on, from the configuration alone: each once its secret id is set, and
 * Slack's only with a request queue to hand its updates to; the Phala-compatible API once its relay
 * tokens' secret is set. A route that is off answers 404.
 */
final class Routes {
    private Routes() {}

    static WebhookRoutes signed(Config config, Adapters adapters, Delivery delivery) {
        Config.ChatOps chat = config.chatOps();
        SlackAllowlist allowlist;
        try {
            allowlist = SlackAllowlist.parse(chat.slackAllowlist());
        } catch (IllegalArgumentException e) {
            throw new Config.Invalid("SLACK_ALLOWLIST: " + e.getMessage());
        }
        if (chat.slackSigningSecretId().isPresent() && !chat.slackRoute()) {
            Log.warn("SLACK_SIGNING_SECRET_ID is set but REQUEST_QUEUE_URL is not: the Slack route is off");
        }
        Optional<SlackCommandTrigger> slack = chat.slackSigningSecretId().filter(id -> chat.slackRoute())
                .map(id -> new SlackCommandTrigger(adapters.signingSecrets(), id, allowlist, adapters.queue(),
                        adapters.idempotency(), adapters.clock()));
        Optional<HookTrigger> hook = chat.hookSecretId()
                .map(id -> new HookTrigger(delivery, adapters.signingSecrets(), id, adapters.clock()));
        Optional<PhalaEventsTrigger> phala = chat.phalaWebhookSecretId()
                .map(id -> new PhalaEventsTrigger(adapters.signingSecrets(), id, adapters.idempotency(), delivery));
        Optional<PhalaApiTrigger> phalaApi = config.updates().relayTokensSecretId()
                .map(id -> new PhalaApiTrigger(new TokenCheck(new RelayTokens(adapters.clientApi().tokens(),
                        config.apiKeyCacheTtl(), adapters.clock())), adapters.clientApi().phala(), delivery.relay(), delivery));
        return new WebhookRoutes(slack, hook, phala, phalaApi);
    }
}
