import type {
  OrganizationContact,
  PersonContact,
  ResourcePolicy,
  RoleAssignment,
  SelfIdentifiedUserContact,
  UserContactPoint,
} from "../domain/contactLookup/contacts";

export interface ContactRegistry {
  findPersons(nationalIdentityNumbers: string[]): Promise<Map<string, PersonContact>>;
  findOrganizations(organizationNumbers: string[]): Promise<Map<string, OrganizationContact>>;
  /**
   * User contact points of these organisations that do not exclude `resourceId` (with or without the URN
   * prefix) by their own resource list; roles decide which of them are used.
   */
  findUserContactPoints(organizationNumbers: string[], resourceId: string): Promise<UserContactPoint[]>;
  /** Every role assignment within these organisations. */
  findRoleAssignments(organizationNumbers: string[]): Promise<RoleAssignment[]>;
  /** Keyed by bare resource id; a resource without a policy grants nothing. */
  findResourcePolicies(resourceIds: string[]): Promise<Map<string, ResourcePolicy>>;
  /** Keyed by `externalIdentityKey(urn)`: Altinn compares external identities case-insensitively. */
  findSelfIdentifiedUsers(externalIdentities: string[]): Promise<Map<string, SelfIdentifiedUserContact>>;
}
