import type { OrganizationContact, UserContactPoint } from "./contacts";
import type {
  AddressChannel,
  LookedUpRecipientSpec,
  LookupStage,
  OrganizationRecipientSpec,
  RegistrySnapshot,
} from "./types";
import { normalizeMobileNumber } from "../norwegianIdentifiers";
import { defaultResourceAction, isCurrentContactDetail, isGrantedAction } from "./authorization";
import type { NotificationChannel } from "../order";

/**
 * Which of a looked-up recipient's registered contact points an order uses (Altinn `ContactPointService`):
 * normalise, de-duplicate, then pick per channel schema. Pure: the registry data comes in as a snapshot.
 */

export interface ContactPoint {
  channel: AddressChannel;
  address: string;
}

interface ContactSelection {
  /** KRR reservation; only persons can be reserved. */
  isReserved: boolean;
  recipientName?: string;
  /** The person's preferred language in the register, when it holds one. */
  language?: string;
  /** The addresses the channel schema selects, de-duplicated per channel. */
  points: ContactPoint[];
}

/** The one email and/or mobile a person, a self-identified user or an organisation's user has. */
interface PersonalContactPoints {
  email?: string;
  mobile?: string;
}

const resourceUrnPrefix = "urn:altinn:resource:";

/** A resource id without the `urn:altinn:resource:` prefix, which v2 requires and v1 omits. */
export function bareResourceId(resourceId: string): string {
  const trimmed = resourceId.trim();
  return trimmed.startsWith(resourceUrnPrefix) ? trimmed.slice(resourceUrnPrefix.length) : trimmed;
}

/** Whether a user's resource filter covers the order's resource, whichever form either side is written in. */
export function resourceMatches(resources: readonly string[], resourceId: string): boolean {
  const wanted = bareResourceId(resourceId);
  return wanted !== "" && resources.some((resource) => bareResourceId(resource) === wanted);
}

/**
 * Altinn's ExternalIdentityUrn: `urn:altinn:username:`, `urn:altinn:person:legacy-selfidentified:` and
 * (canonical) `urn:altinn:party:username:` name the same username.
 */
const usernameAliases = ["urn:altinn:username:", "urn:altinn:person:legacy-selfidentified:"];
const canonicalUsernamePrefix = "urn:altinn:party:username:";

/**
 * Registry maps and document ids are keyed by this form: compared case-insensitively, as Altinn does, with a
 * username under any of its prefixes written under the canonical one. (A register imported before usernames
 * were keyed this way holds its `urn:altinn:username:` users under the old key: import it again.)
 */
export function externalIdentityKey(externalIdentity: string): string {
  const key = externalIdentity.trim().toLowerCase();
  const alias = usernameAliases.find((prefix) => key.startsWith(prefix));
  return alias ? `${canonicalUsernamePrefix}${key.slice(alias.length)}` : key;
}

function cleanEmail(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** `00` → `+`, 8-digit Norwegian mobiles → `+47`; anything that is not a valid mobile number is dropped. */
function cleanMobile(value: string | undefined): string | undefined {
  return value ? normalizeMobileNumber(value) : undefined;
}

function uniqueEmails(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const value of values) {
    const email = cleanEmail(value);
    if (!email || seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    unique.push(email);
  }
  return unique;
}

function uniqueMobiles(values: readonly string[]): string[] {
  return [...new Set(values.map(cleanMobile).filter((m): m is string => m !== undefined))];
}

const emailPoint = (address: string): ContactPoint => ({ channel: "email", address });
const smsPoint = (address: string): ContactPoint => ({ channel: "sms", address });

/** One person's contact points by channel schema; the Preferred schemas take the fallback only when needed. */
function selectPersonal(
  channel: NotificationChannel,
  { email, mobile }: PersonalContactPoints,
): ContactPoint[] {
  const emails = email ? [emailPoint(email)] : [];
  const mobiles = mobile ? [smsPoint(mobile)] : [];
  switch (channel) {
    case "Email":
      return emails;
    case "Sms":
      return mobiles;
    case "EmailAndSms":
      return [...emails, ...mobiles];
    case "EmailPreferred":
      return emails.length > 0 ? emails : mobiles;
    case "SmsPreferred":
      return mobiles.length > 0 ? mobiles : emails;
  }
}

/** An organisation's official lists: a Preferred schema takes the whole preferred list if it has any entry. */
function selectOfficial(channel: NotificationChannel, emails: string[], mobiles: string[]): ContactPoint[] {
  const emailPoints = emails.map(emailPoint);
  const smsPoints = mobiles.map(smsPoint);
  switch (channel) {
    case "Email":
      return emailPoints;
    case "Sms":
      return smsPoints;
    case "EmailAndSms":
      return [...emailPoints, ...smsPoints];
    case "EmailPreferred":
      return emailPoints.length > 0 ? emailPoints : smsPoints;
    case "SmsPreferred":
      return smsPoints.length > 0 ? smsPoints : emailPoints;
  }
}

/**
 * The organisation's user-registered contact points for the order's resource, each address kept only the
 * first time it appears among the official lists and the users before it. As in Altinn this happens before
 * the channel schema is applied, so a user whose email duplicates an official one can fall back to SMS.
 */
function organizationUsers(
  users: readonly UserContactPoint[],
  officialEmails: string[],
  officialMobiles: string[],
): PersonalContactPoints[] {
  const seenEmails = new Set(officialEmails.map((e) => e.toLowerCase()));
  const seenMobiles = new Set(officialMobiles);
  const kept: PersonalContactPoints[] = [];
  for (const user of users) {
    let email = cleanEmail(user.email);
    if (email && seenEmails.has(email.toLowerCase())) email = undefined;
    else if (email) seenEmails.add(email.toLowerCase());
    let mobile = cleanMobile(user.mobileNumber);
    if (mobile && seenMobiles.has(mobile)) mobile = undefined;
    else if (mobile) seenMobiles.add(mobile);
    // A user left with neither contributes nothing below, which is Altinn's "remove users left empty".
    kept.push({ email, mobile });
  }
  return kept;
}

/**
 * The organisation's users to notify about the order's resource: those whose roles there grant the order's
 * action under the resource's policy, less any who chose to hear only about other resources.
 */
function usersFor(spec: OrganizationRecipientSpec, registry: RegistrySnapshot, stage: LookupStage) {
  // Registration skips user contact points (and Altinn's authorization check) to keep order intake fast.
  if (stage !== "processing" || !spec.resourceId) return [];
  const resourceId = spec.resourceId;
  const policy = registry.resourcePolicies.get(bareResourceId(resourceId));
  const action = spec.resourceAction ?? defaultResourceAction;
  return registry.userContactPoints.filter(
    (user) =>
      user.organizationNumber === spec.organizationNumber &&
      (user.resources === undefined || resourceMatches(user.resources, resourceId)) &&
      isGrantedAction(user, registry.roleAssignments, policy, action),
  );
}

function selectOrganization(
  spec: OrganizationRecipientSpec,
  registry: RegistrySnapshot,
  stage: LookupStage,
): ContactSelection {
  const official: OrganizationContact | undefined = registry.organizations.get(spec.organizationNumber);
  const emails = uniqueEmails(official?.emails ?? []);
  const mobiles = uniqueMobiles(official?.mobileNumbers ?? []);
  const users = organizationUsers(usersFor(spec, registry, stage), emails, mobiles);
  const points = [
    ...selectOfficial(spec.channel, emails, mobiles),
    ...users.flatMap((user) => selectPersonal(spec.channel, user)),
  ];
  return { isReserved: false, recipientName: official?.name, points };
}

/** The contact points the spec's channel schema selects from the registry snapshot. */
export function selectContactPoints(
  spec: LookedUpRecipientSpec,
  registry: RegistrySnapshot,
  stage: LookupStage,
): ContactSelection {
  switch (spec.kind) {
    case "person": {
      const person = registry.persons.get(spec.nationalIdentityNumber);
      if (!person) return { isReserved: false, points: [] };
      // KRR's freshness rule: a detail not confirmed for 18 months is left out unless the order allows it.
      const current = (lastVerified: string | undefined) =>
        spec.useStaleContactInformation === true || isCurrentContactDetail(lastVerified, registry.asOf);
      const personal = {
        email: current(person.emailLastVerified) ? cleanEmail(person.email) : undefined,
        mobile: current(person.mobileNumberLastVerified) ? cleanMobile(person.mobileNumber) : undefined,
      };
      return {
        isReserved: person.reserved,
        recipientName: person.name,
        language: person.language,
        points: selectPersonal(spec.channel, personal),
      };
    }
    case "externalIdentity": {
      const user = registry.selfIdentifiedUsers.get(externalIdentityKey(spec.externalIdentity));
      if (!user) return { isReserved: false, points: [] };
      const personal = { email: cleanEmail(user.email), mobile: cleanMobile(user.mobileNumber) };
      return { isReserved: false, recipientName: user.name, points: selectPersonal(spec.channel, personal) };
    }
    case "organization":
      return selectOrganization(spec, registry, stage);
  }
}
