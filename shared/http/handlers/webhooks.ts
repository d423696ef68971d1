import { scopes } from "../../auth/principal";
import {
  redeliveryRequestSchema,
  webhookDeliveryStatuses,
  webhookSubscriptionRequestSchema,
} from "../../domain/webhooks";
import { validate } from "../../domain/requests/validate";
import { AppError } from "../../errors";
import { findWebhookDeliveries } from "../../usecases/findWebhookDeliveries";
import { findWebhookSubscriptions } from "../../usecases/findWebhookSubscriptions";
import { pauseWebhookSubscription } from "../../usecases/pauseWebhookSubscription";
import { redeliverWebhook } from "../../usecases/redeliverWebhook";
import { registerWebhookSubscription } from "../../usecases/registerWebhookSubscription";
import { removeWebhookSubscription } from "../../usecases/removeWebhookSubscription";
import { rotateWebhookSecret } from "../../usecases/rotateWebhookSecret";
import { viewWebhookSubscription } from "../../usecases/viewWebhookSubscription";
import { readJsonBody } from "../body";
import { apiBase, authenticatedEndpoint, json } from "../endpoint";
import { validationProblem } from "../problem";
import { guidParam } from "../routeParams";
import { deliveryView, subscriptionView } from "../views/webhookViews";

/** A route id that cannot be a subscription's id is a 404 without a store read. */
function subscriptionIdOf(params: Record<string, string>): string {
  const id = guidParam(params);
  if (!id) throw new AppError("not-found", "Subscription not found.");
  return id;
}

/** `POST webhooks/subscriptions`: a new subscription and its signing secret (shown this once). */
export const createWebhookSubscription = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const result = validate(webhookSubscriptionRequestSchema, await readJsonBody(request), {
      now: deps.clock.now(),
    });
    if (!result.ok) return validationProblem(result.errors);
    const subscription = await registerWebhookSubscription(deps, principal.tenant, result.value);
    return json(201, subscriptionView(subscription, true), {
      location: `${apiBase(request)}/webhooks/subscriptions/${subscription.id}`,
    });
  },
);

/** `GET webhooks/subscriptions`. */
export const listWebhookSubscriptions = authenticatedEndpoint(scopes.create, async ({ principal, deps }) => {
  const subscriptions = await findWebhookSubscriptions(deps, principal.tenant);
  return json(200, { subscriptions: subscriptions.map((s) => subscriptionView(s)) });
});

/** `GET webhooks/subscriptions/{id}`. */
export const getWebhookSubscription = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const subscription = await viewWebhookSubscription(
      deps,
      principal.tenant,
      subscriptionIdOf(request.params),
    );
    return json(200, subscriptionView(subscription));
  },
);

/** `DELETE webhooks/subscriptions/{id}`: nothing more is queued or sent to it; answers what was deleted. */
export const deleteWebhookSubscription = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const subscription = await removeWebhookSubscription(
      deps,
      principal.tenant,
      subscriptionIdOf(request.params),
    );
    return json(200, subscriptionView(subscription));
  },
);

/** `POST webhooks/subscriptions/{id}/rotate-secret`: the new secret; the old one signs too for 24 hours. */
export const rotateWebhookSubscriptionSecret = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const subscription = await rotateWebhookSecret(deps, principal.tenant, subscriptionIdOf(request.params));
    return json(200, subscriptionView(subscription, true));
  },
);

function pauseEndpoint(paused: boolean) {
  return authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
    const subscription = await pauseWebhookSubscription(
      deps,
      principal.tenant,
      subscriptionIdOf(request.params),
      paused,
    );
    return json(200, subscriptionView(subscription));
  });
}
/** `POST webhooks/subscriptions/{id}/pause`. */
export const pauseWebhookDeliveries = pauseEndpoint(true);
/** `POST webhooks/subscriptions/{id}/resume`: every change since the pause follows, in order. */
export const resumeWebhookDeliveries = pauseEndpoint(false);

/** `GET webhooks/subscriptions/{id}/deliveries?status=failed|pending|delivered` (default failed). */
export const listWebhookDeliveries = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const subscriptionId = subscriptionIdOf(request.params);
    const status = request.query.get("status") ?? "failed";
    const known = webhookDeliveryStatuses.find((s) => s === status);
    if (!known)
      return validationProblem({
        status: [`The status must be one of ${webhookDeliveryStatuses.join(", ")}.`],
      });
    const deliveries = await findWebhookDeliveries(deps, principal.tenant, subscriptionId, known);
    return json(200, { deliveries: deliveries.map(deliveryView) });
  },
);

/**
 * `POST webhooks/subscriptions/{id}/redeliver`: the failed deliveries (or those named in `deliveryIds`) are due
 * again, with a fresh retry schedule; the answer lists the ids put back in line.
 */
export const redeliverWebhookDeliveries = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const subscriptionId = subscriptionIdOf(request.params);
    const hasBody =
      (request.headers.get("content-length") ?? "0") !== "0" || request.headers.has("content-type");
    const result = hasBody
      ? validate(redeliveryRequestSchema, await readJsonBody(request), { now: deps.clock.now() })
      : { ok: true as const, value: {} };
    if (!result.ok) return validationProblem(result.errors);
    const redelivered = await redeliverWebhook(
      deps,
      principal.tenant,
      subscriptionId,
      result.value.deliveryIds,
    );
    return json(200, { redelivered: redelivered.map((d) => d.id) });
  },
);
