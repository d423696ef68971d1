import { scopes } from "../../auth/principal";
import { futureOrderRequestSchema } from "../../domain/requests/futureOrder";
import {
  legacyEmailOrderRequestSchema,
  legacyOrderRequestSchema,
  legacySmsOrderRequestSchema,
} from "../../domain/requests/legacyOrder";
import { missingRequiredMembers, requiredMembersOf } from "../../domain/requests/requiredMembers";
import { validate, type ValidationResult } from "../../domain/requests/validate";
import { clientSignal } from "../../platform/clientConnection";
import { registerFutureOrder } from "../../usecases/registerFutureOrder";
import { registerLegacyOrder } from "../../usecases/registerLegacyOrder";
import type { LegacyRequest } from "../../usecases/steps/orderDrafts";
import { readJsonBody } from "../body";
import { apiBase, json } from "../endpoint";
import { limitedIntakeEndpoint } from "../limitedIntake";
import { changedPayloadPolicy, replayHeaders } from "../idempotency";
import { orderDefaultsOf } from "../orderDefaults";
import { validationProblem } from "../problem";

/** `POST future/orders`: an order chain (one notification and its reminders), idempotent per idempotencyId. */
export const createOrderChain = limitedIntakeEndpoint(
  scopes.create,
  async ({ request, context, principal, deps }) => {
    const body = await readJsonBody(request);
    const unbound = missingRequiredMembers(body, requiredMembersOf.orderChain);
    if (unbound) return validationProblem(unbound);
    const outcome = await registerFutureOrder(deps, {
      tenant: principal.tenant,
      body,
      validated: validate(futureOrderRequestSchema, body, { now: deps.clock.now() }),
      defaults: orderDefaultsOf(deps.settings),
      onChangedPayload: changedPayloadPolicy(request, deps.settings),
      signal: clientSignal(request),
      warn: (message) => context.warn(message),
    });
    if (outcome.kind === "invalid") return validationProblem(outcome.errors);
    const { receipt, created, payloadChanged } = outcome;
    return json(created ? 201 : 200, receipt, {
      location: `${apiBase(request)}/future/orders/${receipt.notificationOrderId}`,
      ...replayHeaders(payloadChanged),
    });
  },
);

type LegacyParse = (body: unknown, now: Date) => ValidationResult<LegacyRequest>;

function legacyEndpoint(parse: LegacyParse) {
  return limitedIntakeEndpoint(scopes.create, async ({ request, context, principal, deps }) => {
    const parsed = parse(await readJsonBody(request), deps.clock.now());
    if (!parsed.ok) return validationProblem(parsed.errors);
    const { orderId, recipientLookup } = await registerLegacyOrder(deps, {
      tenant: principal.tenant,
      request: parsed.value,
      defaults: orderDefaultsOf(deps.settings),
      warn: (message) => context.warn(message),
    });
    return json(
      202,
      { orderId, ...(recipientLookup ? { recipientLookup } : {}) },
      { location: `${apiBase(request)}/orders/${orderId}` },
    );
  });
}

const parseGeneric: LegacyParse = (body, now) => {
  const result = validate(legacyOrderRequestSchema, body, { now });
  return result.ok ? { ok: true, value: { kind: "generic", request: result.value } } : result;
};
const parseEmail: LegacyParse = (body, now) => {
  const result = validate(legacyEmailOrderRequestSchema, body, { now });
  return result.ok ? { ok: true, value: { kind: "email", request: result.value } } : result;
};
const parseSms: LegacyParse = (body, now) => {
  const result = validate(legacySmsOrderRequestSchema, body, { now });
  return result.ok ? { ok: true, value: { kind: "sms", request: result.value } } : result;
};

/** `POST orders` (legacy): one notification to many recipients on the chosen channel(s). */
export const createLegacyOrder = legacyEndpoint(parseGeneric);
/** `POST orders/email` (legacy). */
export const createLegacyEmailOrder = legacyEndpoint(parseEmail);
/** `POST orders/sms` (legacy). */
export const createLegacySmsOrder = legacyEndpoint(parseSms);
