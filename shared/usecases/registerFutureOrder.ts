import type { ChainReceipt } from "../domain/order";
import type { FutureOrderRequest } from "../domain/requests/futureOrder";
import type { ValidationErrors, ValidationResult } from "../domain/requests/validate";
import type { TemplateDocument } from "../domain/templates";
import { AppError, isAppError } from "../errors";
import type { ContactRegistry } from "../ports/contactRegistry";
import type { TemplateStore } from "../ports/templateStore";
import type { TestModeProviders } from "../ports/testMode";
import type { ReleaseDeps } from "./steps/claimAndPublish";
import {
  findRegistration,
  idempotencyIdOf,
  registerOrders,
  type ChangedPayloadPolicy,
  type IdempotencyKey,
} from "./steps/idempotentRegistration";
import { draftsFromFutureOrder, type OrderDefaults } from "./steps/orderDrafts";
import { readOrderTemplates } from "./steps/readOrderTemplates";
import { claimIfDue, releaseSoon } from "./steps/releaseIfDue";
import { lookupAtRegistration } from "./steps/resolveOrderRecipients";
import { contactsFor } from "./steps/selectContactRegistry";

interface FutureOrderDeps extends ReleaseDeps {
  templates: TemplateStore;
  contacts: ContactRegistry;
  testMode?: TestModeProviders;
}

interface FutureOrderIntake {
  tenant: string;
  /** The body as sent: its hash tells a retry from a reuse of the idempotencyId. */
  body: unknown;
  /** The body checked against the request schema; a retry of an accepted request may no longer pass. */
  validated: ValidationResult<FutureOrderRequest>;
  defaults: OrderDefaults;
  onChangedPayload: ChangedPayloadPolicy;
  /** The client's signal: a request whose client went away stops before anything is stored. */
  signal?: AbortSignal;
  /** Told when the immediate release failed (the sweeper releases the orders instead). */
  warn: (message: string) => void;
}

type FutureOrderOutcome =
  /** `created` false: a retry, answered with the first request's receipt. */
  | { kind: "registered"; receipt: ChainReceipt; created: boolean; payloadChanged: boolean }
  | { kind: "invalid"; errors: ValidationErrors };

function replayed(receipt: ChainReceipt): FutureOrderOutcome {
  return { kind: "registered", receipt, created: false, payloadChanged: false };
}

/** The template of each order, or the receipt of the same request accepted before the template was retired. */
async function templatesOrReplay(
  deps: FutureOrderDeps,
  intake: FutureOrderIntake,
  request: FutureOrderRequest,
  key: IdempotencyKey,
): Promise<Array<TemplateDocument | undefined> | ChainReceipt> {
  try {
    return await readOrderTemplates(deps, intake.tenant, request);
  } catch (error) {
    // A retry of an accepted request still gets its receipt after its template was retired.
    const receipt = isAppError(error, "validation")
      ? await findRegistration(deps, intake.tenant, key)
      : undefined;
    if (receipt) return receipt;
    throw error;
  }
}

/**
 * `POST future/orders`: an order chain (one notification and its reminders), idempotent per idempotencyId.
 * The named templates are read from the caller's own; every recipient must have contact details (else
 * NOT-00001, nothing stored); orders due already are released at once. A retry of an accepted request that
 * would now be refused (its send time has passed, its template was retired) still gets its receipt.
 */
export async function registerFutureOrder(
  deps: FutureOrderDeps,
  intake: FutureOrderIntake,
): Promise<FutureOrderOutcome> {
  const { tenant, body, validated } = intake;
  if (!validated.ok) {
    // A retry of an accepted request whose send time has since passed must still get its receipt.
    const idempotencyId = idempotencyIdOf(body);
    const receipt = await findRegistration(deps, tenant, { kind: "order", idempotencyId, body });
    return receipt ? replayed(receipt) : { kind: "invalid", errors: validated.errors };
  }
  const request = validated.value;
  const key: IdempotencyKey = {
    kind: "order",
    idempotencyId: request.idempotencyId,
    body,
    onChangedPayload: intake.onChangedPayload,
  };
  const orderTemplates = await templatesOrReplay(deps, intake, request, key);
  if (!Array.isArray(orderTemplates)) return replayed(orderTemplates);
  const registration = await registerOrders(deps, {
    tenant,
    key,
    signal: intake.signal,
    buildOrders: (ids, now) =>
      draftsFromFutureOrder(request, tenant, ids, now, intake.defaults, orderTemplates),
    precheck: async (orders) => {
      const lookup = await lookupAtRegistration(contactsFor(deps, tenant), orders);
      if (lookup.missingContact.length > 0) {
        throw new AppError("missing-contact", "Missing contact information for recipient(s)");
      }
    },
    storedAs: (orders) => claimIfDue(deps, orders),
  });
  if (registration.created) await releaseSoon(deps, registration.orders, intake.warn);
  const { receipt, created, payloadChanged } = registration;
  return { kind: "registered", receipt, created, payloadChanged };
}
