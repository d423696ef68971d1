export interface PersonContact {
  nationalIdentityNumber: string;
  name?: string;
  email?: string;
  mobileNumber?: string;
  reserved: boolean;
  language?: string;
}

export interface OrganizationContact {
  organizationNumber: string;
  name?: string;
  emails: string[];
  mobileNumbers: string[];
}

/** A person's own contact point for an organisation, limited to the resources they may access. */
export interface UserContactPoint {
  organizationNumber: string;
  userId: string;
  email?: string;
  mobileNumber?: string;
  resources: string[];
}

/** A user without a national identity number (ID-porten email user or self-identified username). */
export interface SelfIdentifiedUserContact {
  /** The URN as ordered, e.g. `urn:altinn:person:idporten-email:kari@example.com`. */
  externalIdentity: string;
  name?: string;
  email?: string;
  mobileNumber?: string;
}

export interface ContactRegistry {
  findPersons(nationalIdentityNumbers: string[]): Promise<Map<string, PersonContact>>;
  findOrganizations(organizationNumbers: string[]): Promise<Map<string, OrganizationContact>>;
  /** User contact points of these organisations whose resources include `resourceId` (with or without the URN prefix). */
  findUserContactPoints(organizationNumbers: string[], resourceId: string): Promise<UserContactPoint[]>;
  /** Keyed by `externalIdentityKey(urn)`: Altinn compares external identities case-insensitively. */
  findSelfIdentifiedUsers(externalIdentities: string[]): Promise<Map<string, SelfIdentifiedUserContact>>;
}
