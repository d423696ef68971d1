import { randomUUID } from "node:crypto";
import type { InvocationContext } from "@azure/functions";
import type { Dependencies } from "../../app/dependencies";
import { scopes } from "../../auth/principal";
import type { NewOrder } from "../../domain/order";
import { futureOrderRequestSchema } from "../../domain/requests/futureOrder";
import {
  legacyEmailOrderRequestSchema,
  legacyOrderRequestSchema,
  legacySmsOrderRequestSchema,
} from "../../domain/requests/legacyOrder";
import { missingRequiredMembers, requiredMembersOf } from "../../domain/requests/requiredMembers";
import { validate } from "../../domain/requests/validate";
import { AppError, isAppError } from "../../errors";
import { clientSignal } from "../../platform/clientConnection";
import { lookupAtRegistration } from "../../usecases/resolveOrderRecipients";
import {
  draftFromLegacyOrder,
  draftsFromFutureOrder,
  type LegacyRequest,
  type OrderDefaults,
} from "../../usecases/orderDrafts";
import { readOrderTemplates } from "../../usecases/readOrderTemplates";
import { findReplay, registerOrderChain } from "../../usecases/registerOrderChain";
import { contactsFor } from "../../usecases/selectContactRegistry";
import { releaseIfDue } from "../../usecases/releaseIfDue";
import { readJsonBody } from "../body";
import { apiBase, json } from "../endpoint";
import { limitedIntakeEndpoint } from "../limitedIntake";
import { changedPayloadPolicy, replayHeaders } from "../idempotency";
import { validationProblem } from "../problem";

function defaultsOf(deps: Dependencies): OrderDefaults {
  return {
    emailSenderAddress: deps.settings.EMAIL_SENDER_ADDRESS,
    smsSender: deps.settings.SMS_DEFAULT_SENDER,
  };
}

function idempotencyIdOf(body: unknown): string | undefined {
  const value =
    typeof body === "object" && body !== null
      ? (body as Record<string, unknown>)["idempotencyId"]
      : undefined;
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Orders due already are released at once; a failure leaves them to the release timer, never loses them. */
async function releaseSoon(
  deps: Dependencies,
  orders: NewOrder[],
  context: InvocationContext,
): Promise<void> {
  try {
    await releaseIfDue(deps, orders);
  } catch (error) {
    context.warn(
      `immediate release failed; the release timer will pick the orders up: ${(error as Error).message}`,
    );
  }
}

/** `POST future/orders`: an order chain (one notification and its reminders), idempotent per idempotencyId. */
export const createOrderChain = limitedIntakeEndpoint(
  scopes.create,
  async ({ request, context, principal, deps }) => {
    const body = await readJsonBody(request);
    const location = (chainId: string) => ({ location: `${apiBase(request)}/future/orders/${chainId}` });
    const unbound = missingRequiredMembers(body, requiredMembersOf.orderChain);
    if (unbound) return validationProblem(unbound);
    const result = validate(futureOrderRequestSchema, body, { now: deps.clock.now() });
    if (!result.ok) {
      // A retry of an accepted request whose send time has since passed must still get its receipt.
      const idempotencyId = idempotencyIdOf(body);
      const replay = idempotencyId && (await findReplay(deps, principal.tenant, idempotencyId, body));
      if (replay) return json(200, replay, location(replay.notificationOrderId));
      return validationProblem(result.errors);
    }
    const orderTemplates = await readOrderTemplates(deps, principal.tenant, result.value).catch(
      async (error: unknown) => {
        // A retry of an accepted request still gets its receipt after its template was retired.
        const replay =
          isAppError(error, "validation") &&
          (await findReplay(deps, principal.tenant, result.value.idempotencyId, body));
        if (replay) return replay;
        throw error;
      },
    );
    if (!Array.isArray(orderTemplates)) {
      return json(200, orderTemplates, location(orderTemplates.notificationOrderId));
    }
    const registration = await registerOrderChain(deps, {
      tenant: principal.tenant,
      idempotencyId: result.value.idempotencyId,
      body,
      onChangedPayload: changedPayloadPolicy(request, deps.settings),
      signal: clientSignal(request),
      buildOrders: (ids, now) =>
        draftsFromFutureOrder(result.value, principal.tenant, ids, now, defaultsOf(deps), orderTemplates),
      precheck: async (orders) => {
        const lookup = await lookupAtRegistration(contactsFor(deps, principal.tenant), orders);
        if (lookup.missingContact.length > 0) {
          throw new AppError("missing-contact", "Missing contact information for recipient(s)");
        }
      },
    });
    if (registration.created) await releaseSoon(deps, registration.orders, context);
    return json(registration.created ? 201 : 200, registration.receipt, {
      ...location(registration.receipt.notificationOrderId),
      ...replayHeaders(registration.payloadChanged),
    });
  },
);

type LegacyParse = (
  body: unknown,
  now: Date,
) => { ok: true; value: LegacyRequest } | { ok: false; errors: Record<string, string[]> };

function legacyEndpoint(parse: LegacyParse) {
  return limitedIntakeEndpoint(scopes.create, async ({ request, context, principal, deps }) => {
    const body = await readJsonBody(request);
    const now = deps.clock.now();
    const parsed = parse(body, now);
    if (!parsed.ok) return validationProblem(parsed.errors);
    const order = draftFromLegacyOrder(parsed.value, principal.tenant, randomUUID(), now, defaultsOf(deps));
    const lookup = await lookupAtRegistration(contactsFor(deps, principal.tenant), [order]);
    await deps.orders.createOrder(order);
    await releaseSoon(deps, [order], context);
    return json(
      202,
      { orderId: order.id, ...(lookup.needed ? { recipientLookup: lookup.summary } : {}) },
      { location: `${apiBase(request)}/orders/${order.id}` },
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
