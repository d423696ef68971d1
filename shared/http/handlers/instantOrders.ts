import { scopes } from "../../auth/principal";
import {
  instantEmailOrderRequestSchema,
  instantSmsOrderRequestSchema,
} from "../../domain/requests/instantOrder";
import { validate } from "../../domain/requests/validate";
import { InstantDispatchFailed, sendInstant } from "../../usecases/sendInstant";
import { readJsonBody } from "../body";
import { apiBase, authenticatedEndpoint, json } from "../endpoint";
import { problem, problemCodes, validationProblem } from "../problem";

function notSent() {
  const { status, code, detail } = problemCodes.temporaryFailure;
  return problem({ status, title: "Service Unavailable", code, detail, headers: { "retry-after": "5" } });
}

/** `POST future/orders/instant/sms`: one SMS sent before the response; 503 NOT-00004 if the gateway fails. */
export const createInstantSms = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const body = await readJsonBody(request);
  const result = validate(instantSmsOrderRequestSchema, body, { now: deps.clock.now() });
  if (!result.ok) return validationProblem(result.errors);
  try {
    const sent = await sendInstant(deps, principal.tenant, result.value.idempotencyId, body, {
      kind: "instant-sms",
      request: result.value,
      defaultSender: deps.settings.SMS_DEFAULT_SENDER,
    });
    return json(sent.created ? 201 : 200, sent.receipt, {
      location: `${apiBase(request)}/future/shipment/${sent.receipt.notification.shipmentId}`,
    });
  } catch (error) {
    if (error instanceof InstantDispatchFailed) return notSent();
    throw error;
  }
});

/** `POST future/orders/instant/email`: one email handed to ACS before the response. */
export const createInstantEmail = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const body = await readJsonBody(request);
    const result = validate(instantEmailOrderRequestSchema, body, { now: deps.clock.now() });
    if (!result.ok) return validationProblem(result.errors);
    try {
      const sent = await sendInstant(deps, principal.tenant, result.value.idempotencyId, body, {
        kind: "instant-email",
        request: result.value,
        defaultSenderAddress: deps.settings.EMAIL_SENDER_ADDRESS,
      });
      return json(sent.created ? 201 : 200, sent.receipt, {
        location: `${apiBase(request)}/future/shipment/${sent.receipt.notification.shipmentId}`,
      });
    } catch (error) {
      if (error instanceof InstantDispatchFailed) return notSent();
      throw error;
    }
  },
);
