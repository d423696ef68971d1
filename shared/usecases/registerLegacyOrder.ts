import type { RecipientLookupSummary } from "../domain/contactLookup/lookup";
import type { ContactRegistry } from "../ports/contactRegistry";
import type { TestModeProviders } from "../ports/testMode";
import type { ReleaseDeps } from "./steps/claimAndPublish";
import { registerOrders } from "./steps/idempotentRegistration";
import { draftFromLegacyOrder, type LegacyRequest, type OrderDefaults } from "./steps/orderDrafts";
import { claimIfDue, releaseSoon } from "./steps/releaseIfDue";
import { lookupAtRegistration, type RegistrationLookup } from "./steps/resolveOrderRecipients";
import { contactsFor } from "./steps/selectContactRegistry";

interface LegacyOrderDeps extends ReleaseDeps {
  contacts: ContactRegistry;
  testMode?: TestModeProviders;
}

interface LegacyOrderIntake {
  tenant: string;
  request: LegacyRequest;
  defaults: OrderDefaults;
  /** Told when the immediate release failed (the sweeper releases the order instead). */
  warn: (message: string) => void;
}

interface LegacyOrderReceipt {
  orderId: string;
  /** The register lookup of the recipients, when any recipient is looked up (v1 omits it otherwise). */
  recipientLookup?: RecipientLookupSummary;
}

/**
 * The v1 `POST orders`, `orders/email` and `orders/sms`: one order to many recipients. v1 has no idempotencyId,
 * so every request is a new order; missing contact details do not refuse it (v1 reports them in the lookup
 * summary and leaves those recipients to fail). An order due already is released at once.
 */
export async function registerLegacyOrder(
  deps: LegacyOrderDeps,
  intake: LegacyOrderIntake,
): Promise<LegacyOrderReceipt> {
  const { tenant } = intake;
  let lookup: RegistrationLookup | undefined;
  const registration = await registerOrders(deps, {
    tenant,
    buildOrders: (ids, now) => [
      draftFromLegacyOrder(intake.request, tenant, ids.mainOrderId, now, intake.defaults),
    ],
    precheck: async (orders) => {
      lookup = await lookupAtRegistration(contactsFor(deps, tenant), orders);
    },
    storedAs: (orders) => claimIfDue(deps, orders),
  });
  await releaseSoon(deps, registration.orders, intake.warn);
  return {
    orderId: registration.receipt.notification.shipmentId,
    ...(lookup?.needed ? { recipientLookup: lookup.summary } : {}),
  };
}
