import { selectContactPoints } from "./selection";
import type { LookedUpRecipientSpec, RecipientSpec, RegistrySnapshot } from "./types";

/**
 * The registration-time lookup report: v1 returns it as `recipientLookup` (and accepts the order whatever it
 * says); v2 rejects the request with 422 NOT-00001 when it lists any missing contact (reference §1.3, §1.6).
 */

type RecipientLookupStatus = "Success" | "PartialSuccess" | "Failed";

export interface RecipientLookupSummary {
  status: RecipientLookupStatus;
  /** National identity numbers reserved in KRR. */
  isReserved: string[];
  /** National identity numbers, organisation numbers or external identities without any usable address. */
  missingContact: string[];
}

function needsLookup(spec: RecipientSpec): spec is LookedUpRecipientSpec {
  return spec.kind === "person" || spec.kind === "organization" || spec.kind === "externalIdentity";
}

function identifierOf(spec: LookedUpRecipientSpec): string {
  switch (spec.kind) {
    case "person":
      return spec.nationalIdentityNumber;
    case "organization":
      return spec.organizationNumber;
    case "externalIdentity":
      return spec.externalIdentity;
  }
}

/**
 * The summary of a registration-time lookup, or undefined when no recipient needed one (direct addresses
 * only), in which case v1 omits `recipientLookup`. As in Altinn, a reserved person is listed in `isReserved`
 * even when the order sets `ignoreReservation` (the flag is KRR's, not the order's), is never "missing",
 * and counts as unreachable for the status.
 */
export function summarizeLookup(
  specs: readonly RecipientSpec[],
  registry: RegistrySnapshot,
): RecipientLookupSummary | undefined {
  const lookedUp = specs.filter(needsLookup);
  if (lookedUp.length === 0) return undefined;
  const isReserved = new Set<string>();
  const missingContact = new Set<string>();
  let unreachable = 0;
  for (const spec of lookedUp) {
    const selection = selectContactPoints(spec, registry, "registration");
    if (spec.kind === "person" && selection.isReserved) {
      isReserved.add(spec.nationalIdentityNumber);
      unreachable++;
    } else if (selection.points.length === 0) {
      missingContact.add(identifierOf(spec));
      unreachable++;
    }
  }
  const status: RecipientLookupStatus =
    unreachable === 0 ? "Success" : unreachable === lookedUp.length ? "Failed" : "PartialSuccess";
  return { status, isReserved: [...isReserved], missingContact: [...missingContact] };
}

/** A `future/` order (main or reminder) is refused with NOT-00001 when any recipient lacks contact details. */
export function mustRejectForMissingContact(summary: RecipientLookupSummary | undefined): boolean {
  return summary !== undefined && summary.missingContact.length > 0;
}
