import type {
  OrganizationContact,
  PersonContact,
  ResourcePolicy,
  RoleAssignment,
  SelfIdentifiedUserContact,
  UserContactPoint,
} from "./contacts";
import type { NotificationChannel } from "../order";

/**
 * When a lookup runs. Altinn looks up at registration only to report (v1) or reject (v2, NOT-00001), and
 * again at processing to address the notifications; user-registered organisation contact points and their
 * resource filter are used only at processing (`OrderLifecycleStage`).
 */
export type LookupStage = "registration" | "processing";

/** The two channels a notification travels on. */
export type AddressChannel = "email" | "sms";

/** A recipient given by a direct email address: used as is, no lookup. */
interface EmailRecipientSpec {
  kind: "email";
  emailAddress: string;
}

/** A recipient given by a direct mobile number: normalised, no lookup. */
interface SmsRecipientSpec {
  kind: "sms";
  phoneNumber: string;
}

/** A person looked up in the KRR copy by national identity number. */
export interface PersonRecipientSpec {
  kind: "person";
  nationalIdentityNumber: string;
  channel: NotificationChannel;
  /** Send even when the person has reserved themselves against electronic contact (KRR). */
  ignoreReservation: boolean;
  /** Use contact details the person has not confirmed for 18 months (KRR's freshness rule). */
  useStaleContactInformation?: boolean;
}

/** An organisation looked up by organisation number: official addresses, plus user contact points at processing. */
export interface OrganizationRecipientSpec {
  kind: "organization";
  organizationNumber: string;
  channel: NotificationChannel;
  /** With or without `urn:altinn:resource:`; its users whose roles grant `resourceAction` are notified too. */
  resourceId?: string;
  /** The action the users' roles must grant on the resource; `read` when absent. */
  resourceAction?: string;
}

/** A self-identified or ID-porten email user looked up by external identity URN. */
interface ExternalIdentityRecipientSpec {
  kind: "externalIdentity";
  externalIdentity: string;
  channel: NotificationChannel;
}

export type DirectRecipientSpec = EmailRecipientSpec | SmsRecipientSpec;
export type LookedUpRecipientSpec =
  PersonRecipientSpec | OrganizationRecipientSpec | ExternalIdentityRecipientSpec;
export type RecipientSpec = DirectRecipientSpec | LookedUpRecipientSpec;

/** What the registry returned for one order's recipients, fetched with one batched call per kind. */
export interface RegistrySnapshot {
  persons: ReadonlyMap<string, PersonContact>;
  organizations: ReadonlyMap<string, OrganizationContact>;
  /** Keyed by `externalIdentityKey(urn)`. */
  selfIdentifiedUsers: ReadonlyMap<string, SelfIdentifiedUserContact>;
  userContactPoints: readonly UserContactPoint[];
  /** The role assignments within the organisations whose user contact points were fetched. */
  roleAssignments: readonly RoleAssignment[];
  /** Keyed by bare resource id. */
  resourcePolicies: ReadonlyMap<string, ResourcePolicy>;
  /** When the registry was read: contact details not confirmed for 18 months before it are stale. */
  asOf?: Date;
}

export const emptyRegistrySnapshot: RegistrySnapshot = {
  persons: new Map(),
  organizations: new Map(),
  selfIdentifiedUsers: new Map(),
  userContactPoints: [],
  roleAssignments: [],
  resourcePolicies: new Map(),
};

/** The statuses a notification can be born with: sendable, or already final because lookup failed. */
type ResolvedStatus = "New" | "Failed_RecipientReserved" | "Failed_RecipientNotIdentified";

/**
 * One notification-to-be: an address on a channel, or a failure row without address that records why the
 * recipient gets nothing on that channel. Carries the recipient's identifiers and name for keywords.
 */
export interface ResolvedAddress {
  channel: AddressChannel;
  address?: string;
  status: ResolvedStatus;
  nationalIdentityNumber?: string;
  organizationNumber?: string;
  externalIdentity?: string;
  recipientName?: string;
  /** A person's preferred language as the register holds it (KRR `nb`, `nn`, `en`, …): picks a template's text. */
  language?: string;
}
