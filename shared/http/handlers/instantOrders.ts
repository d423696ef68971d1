import type { z } from "zod";
import type { Dependencies } from "../../app/dependencies";
import { scopes } from "../../auth/principal";
import {
  instantEmailOrderRequestSchema,
  instantNotificationOrderRequestSchema,
  instantSmsOrderRequestSchema,
} from "../../domain/requests/instantOrder";
import {
  missingRequiredMembers,
  requiredMembersOf,
  type RequiredMembers,
} from "../../domain/requests/requiredMembers";
import { validate } from "../../domain/requests/validate";
import { clientSignal } from "../../platform/clientConnection";
import { InstantDispatchFailed, sendInstant, type InstantRequest } from "../../usecases/sendInstant";
import { readJsonBody } from "../body";
import { apiBase, json } from "../endpoint";
import { limitedIntakeEndpoint } from "../limitedIntake";
import { changedPayloadPolicy, replayHeaders } from "../idempotency";
import { problem, problemCodes, validationProblem } from "../problem";

function notSent() {
  const { status, code, detail } = problemCodes.temporaryFailure;
  return problem({ status, title: "Service Unavailable", code, detail, headers: { "retry-after": "5" } });
}

/** One instant endpoint: validate, send before answering, 503 NOT-00004 when the provider does not take it. */
function instantEndpoint<T extends { idempotencyId: string }>(
  schema: z.ZodType<T>,
  model: RequiredMembers,
  toRequest: (value: T, deps: Dependencies) => InstantRequest,
) {
  return limitedIntakeEndpoint(scopes.create, async ({ request, principal, deps }) => {
    const body = await readJsonBody(request);
    const unbound = missingRequiredMembers(body, model);
    if (unbound) return validationProblem(unbound);
    const result = validate(schema, body, { now: deps.clock.now() });
    if (!result.ok) return validationProblem(result.errors);
    try {
      const sent = await sendInstant(
        deps,
        principal.tenant,
        result.value.idempotencyId,
        body,
        toRequest(result.value, deps),
        changedPayloadPolicy(request, deps.settings),
        clientSignal(request),
      );
      return json(sent.created ? 201 : 200, sent.receipt, {
        location: `${apiBase(request)}/future/shipment/${sent.receipt.notification.shipmentId}`,
        ...replayHeaders(sent.payloadChanged),
      });
    } catch (error) {
      if (error instanceof InstantDispatchFailed) return notSent();
      throw error;
    }
  });
}

/** `POST future/orders/instant/sms`: one SMS sent before the response. */
export const createInstantSms = instantEndpoint(
  instantSmsOrderRequestSchema,
  requiredMembersOf.instantSms,
  (request, deps) => ({ kind: "instant-sms", request, defaultSender: deps.settings.SMS_DEFAULT_SENDER }),
);

/**
 * `POST future/orders/instant`: Altinn's older instant SMS route (deprecated there, still served). It persists
 * as `instant/sms` does, and shares its idempotencyIds.
 */
export const createInstantNotification = instantEndpoint(
  instantNotificationOrderRequestSchema,
  requiredMembersOf.instant,
  ({ recipient, ...rest }, deps) => ({
    kind: "instant-sms",
    request: { ...rest, recipientSms: recipient.recipientSms },
    defaultSender: deps.settings.SMS_DEFAULT_SENDER,
  }),
);

/** `POST future/orders/instant/email`: one email handed to ACS before the response. */
export const createInstantEmail = instantEndpoint(
  instantEmailOrderRequestSchema,
  requiredMembersOf.instantEmail,
  (request, deps) => ({
    kind: "instant-email",
    request,
    defaultSenderAddress: deps.settings.EMAIL_SENDER_ADDRESS,
  }),
);
