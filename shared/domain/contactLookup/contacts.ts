/** The contact details the national registers hold, as contact lookup reads them. */

export interface PersonContact {
  nationalIdentityNumber: string;
  name?: string;
  email?: string;
  mobileNumber?: string;
  reserved: boolean;
  language?: string;
  /** When the person last confirmed the email (KRR); details not confirmed for 18 months are stale. */
  emailLastVerified?: string;
  /** When the person last confirmed the mobile number (KRR). */
  mobileNumberLastVerified?: string;
}

export interface OrganizationContact {
  organizationNumber: string;
  name?: string;
  emails: string[];
  mobileNumbers: string[];
}

/**
 * A person's own contact point for an organisation. Whether it is used for an order is decided by the
 * person's roles there (`RoleAssignment`) and the resource's policy; `resources`, when present, is the
 * person's own choice to hear only about those services.
 */
export interface UserContactPoint {
  organizationNumber: string;
  userId: string;
  /** Lets an erasure of the person find the contact point. */
  nationalIdentityNumber?: string;
  email?: string;
  mobileNumber?: string;
  resources?: string[];
}

/** What a person may do for an organisation: Altinn roles (e.g. `DAGL`) and access packages (URNs). */
export interface RoleAssignment {
  organizationNumber: string;
  userId: string;
  nationalIdentityNumber?: string;
  roles: string[];
}

/** Which roles or access packages grant which action (`read`, `write`, …) on a resource. */
export interface ResourcePolicy {
  /** Without `urn:altinn:resource:`. */
  resourceId: string;
  actions: Record<string, string[]>;
}

/** A user without a national identity number (ID-porten email user or self-identified username). */
export interface SelfIdentifiedUserContact {
  /** The URN as ordered, e.g. `urn:altinn:person:idporten-email:kari@example.com`. */
  externalIdentity: string;
  name?: string;
  email?: string;
  mobileNumber?: string;
}
