import { bareResourceId, externalIdentityKey, selectContactPoints } from "./selection";
import type { ContactPoint } from "./selection";
import type {
  AddressChannel,
  DirectRecipientSpec,
  LookedUpRecipientSpec,
  LookupStage,
  RecipientSpec,
  RegistrySnapshot,
  ResolvedAddress,
} from "./types";
import { normalizeMobileNumber } from "../norwegianIdentifiers";
import type { NotificationChannel } from "../order";

/**
 * Contact lookup (Altinn "address lookup", reference §3.5): turns recipient specifications and a snapshot of
 * the contact registers into one row per notification to create. Pure; the caller fetches the snapshot with
 * one batched registry call per kind (`collectLookupKeys`).
 */

export type * from "./types";
export { emptyRegistrySnapshot } from "./types";
export { externalIdentityKey, resourceMatches } from "./selection";
export { mustRejectForMissingContact, summarizeLookup } from "./summary";
export type { RecipientLookupSummary } from "./summary";

type Identity = Pick<
  ResolvedAddress,
  "nationalIdentityNumber" | "organizationNumber" | "externalIdentity" | "recipientName" | "language"
>;

function identityOf(
  spec: LookedUpRecipientSpec,
  recipientName: string | undefined,
  language: string | undefined,
): Identity {
  const name = recipientName ? { recipientName } : {};
  switch (spec.kind) {
    case "person":
      return {
        nationalIdentityNumber: spec.nationalIdentityNumber,
        ...name,
        ...(language ? { language } : {}),
      };
    case "organization":
      return { organizationNumber: spec.organizationNumber, ...name };
    case "externalIdentity":
      return { externalIdentity: spec.externalIdentity, ...name };
  }
}

/**
 * The channels that get rows. Email/Sms: that one; EmailAndSms: both, each failing on its own when empty.
 * Preferred: the channels that have addresses, or the preferred one alone to record that nothing was found.
 */
function channelsFor(channel: NotificationChannel, points: ContactPoint[]): AddressChannel[] {
  switch (channel) {
    case "Email":
      return ["email"];
    case "Sms":
      return ["sms"];
    case "EmailAndSms":
      return ["email", "sms"];
    case "EmailPreferred":
    case "SmsPreferred": {
      const order: [AddressChannel, AddressChannel] =
        channel === "EmailPreferred" ? ["email", "sms"] : ["sms", "email"];
      const present = order.filter((c) => points.some((p) => p.channel === c));
      return present.length > 0 ? present : [order[0]];
    }
  }
}

function resolveDirect(spec: DirectRecipientSpec): ResolvedAddress[] {
  const channel: AddressChannel = spec.kind;
  const given = (spec.kind === "email" ? spec.emailAddress : spec.phoneNumber).trim();
  if (!given) return [{ channel, status: "Failed_RecipientNotIdentified" }];
  // Intake validated the number; normalising makes `0047…` and `+47…` one address for de-duplication.
  const address = spec.kind === "sms" ? (normalizeMobileNumber(given) ?? given) : given;
  return [{ channel, address, status: "New" }];
}

/**
 * The notifications one recipient gets. A reserved person (unless `ignoreReservation`) gets one
 * `Failed_RecipientReserved` row without address per channel; a channel without any address gets one
 * `Failed_RecipientNotIdentified` row.
 */
export function resolveRecipients(
  spec: RecipientSpec,
  registry: RegistrySnapshot,
  stage: LookupStage,
): ResolvedAddress[] {
  if (spec.kind === "email" || spec.kind === "sms") return resolveDirect(spec);
  const selection = selectContactPoints(spec, registry, stage);
  const identity = identityOf(spec, selection.recipientName, selection.language);
  const reserved = spec.kind === "person" && selection.isReserved && !spec.ignoreReservation;
  return channelsFor(spec.channel, selection.points).flatMap((channel): ResolvedAddress[] => {
    if (reserved) return [{ channel, status: "Failed_RecipientReserved", ...identity }];
    const addresses = selection.points.filter((p) => p.channel === channel);
    if (addresses.length === 0) return [{ channel, status: "Failed_RecipientNotIdentified", ...identity }];
    return addresses.map((p) => ({ channel, address: p.address, status: "New", ...identity }));
  });
}

/** Emails compare case-insensitively; mobiles are already in E.164. Failure rows collapse per recipient. */
function deduplicationKey(row: ResolvedAddress): string {
  if (row.address !== undefined) {
    return `${row.channel}:${row.channel === "email" ? row.address.toLowerCase() : row.address}`;
  }
  const who = row.nationalIdentityNumber ?? row.organizationNumber ?? row.externalIdentity ?? "";
  return `${row.channel}:${row.status}:${who.toLowerCase()}`;
}

/**
 * The notifications of one order: every recipient resolved, then each address kept once per channel
 * (Altinn de-duplicates within an order and channel only; the first recipient to claim an address keeps it).
 */
export function resolveRecipientsForOrder(
  specs: readonly RecipientSpec[],
  registry: RegistrySnapshot,
  stage: LookupStage,
): ResolvedAddress[] {
  const rows = new Map<string, ResolvedAddress>();
  for (const spec of specs) {
    for (const row of resolveRecipients(spec, registry, stage)) {
      const key = deduplicationKey(row);
      if (!rows.has(key)) rows.set(key, row);
    }
  }
  return [...rows.values()];
}

/** What to fetch for a set of recipients: one registry call per kind, one user-point call per resource. */
export interface LookupKeys {
  nationalIdentityNumbers: string[];
  organizationNumbers: string[];
  externalIdentities: string[];
  /** Empty at registration, which does not use user contact points. */
  userContactPoints: Array<{ resourceId: string; organizationNumbers: string[] }>;
}

export function collectLookupKeys(specs: readonly RecipientSpec[], stage: LookupStage): LookupKeys {
  const persons = new Set<string>();
  const organizations = new Set<string>();
  const externalIdentities = new Map<string, string>();
  const usersByResource = new Map<string, Set<string>>();
  for (const spec of specs) {
    if (spec.kind === "person") persons.add(spec.nationalIdentityNumber);
    if (spec.kind === "externalIdentity") {
      const key = externalIdentityKey(spec.externalIdentity);
      if (!externalIdentities.has(key)) externalIdentities.set(key, spec.externalIdentity);
    }
    if (spec.kind !== "organization") continue;
    organizations.add(spec.organizationNumber);
    const resourceId = spec.resourceId ? bareResourceId(spec.resourceId) : "";
    if (stage !== "processing" || resourceId === "") continue;
    const orgs = usersByResource.get(resourceId) ?? new Set<string>();
    usersByResource.set(resourceId, orgs.add(spec.organizationNumber));
  }
  return {
    nationalIdentityNumbers: [...persons],
    organizationNumbers: [...organizations],
    externalIdentities: [...externalIdentities.values()],
    userContactPoints: [...usersByResource].map(([resourceId, orgs]) => ({
      resourceId,
      organizationNumbers: [...orgs],
    })),
  };
}
