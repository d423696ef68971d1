import {
  collectLookupKeys,
  resolveRecipientsForOrder,
  summarizeLookup,
  type RecipientLookupSummary,
  type RecipientSpec,
  type ResolvedAddress,
} from "../../domain/contactLookup/lookup";
import { loadRegistrySnapshot } from "./loadRegistrySnapshot";
import { recipientSpecsFor } from "../../domain/contactLookup/specs";
import type { NewOrder, StoredRecipient } from "../../domain/order";
import type { ContactRegistry } from "../../ports/contactRegistry";

export type { ResolvedAddress };

function specsOf(order: NewOrder, recipients: readonly StoredRecipient[]): RecipientSpec[] {
  return recipients.flatMap((r) => recipientSpecsFor(r, order));
}

/** Processing-time lookup: the addresses (or failure rows) of some of an order's recipients. */
export async function resolveOrderRecipients(
  registry: ContactRegistry,
  order: NewOrder,
  recipients: readonly StoredRecipient[],
): Promise<ResolvedAddress[]> {
  const specs = specsOf(order, recipients);
  const snapshot = await loadRegistrySnapshot(registry, collectLookupKeys(specs, "processing"));
  return resolveRecipientsForOrder(specs, snapshot, "processing");
}

export interface RegistrationLookup {
  /** False when every recipient is a direct address: v1 then omits `recipientLookup`. */
  needed: boolean;
  summary: RecipientLookupSummary;
  missingContact: string[];
}

/**
 * Registration-time lookup over the orders of one request (a chain's main order and reminders, or one v1
 * order): the v1 `recipientLookup` summary, and the recipients whose missing contact details make a
 * `future/` request fail with NOT-00001.
 */
export async function lookupAtRegistration(
  registry: ContactRegistry,
  orders: NewOrder[],
): Promise<RegistrationLookup> {
  const specs = orders.flatMap((o) => specsOf(o, o.recipients));
  const snapshot = await loadRegistrySnapshot(registry, collectLookupKeys(specs, "registration"));
  const summary = summarizeLookup(specs, snapshot);
  return {
    needed: summary !== undefined,
    summary: summary ?? { status: "Success", isReserved: [], missingContact: [] },
    missingContact: summary?.missingContact ?? [],
  };
}
