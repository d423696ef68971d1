import type { ContactRegistry } from "../../ports/contactRegistry";
import type {
  OrganizationContact,
  PersonContact,
  ResourcePolicy,
  RoleAssignment,
  SelfIdentifiedUserContact,
} from "../../domain/contactLookup/contacts";
import type { LookupKeys } from "../../domain/contactLookup/lookup";
import type { RegistrySnapshot } from "../../domain/contactLookup/types";

/**
 * Fetches what `collectLookupKeys` listed: persons, organisations, self-identified users and each resource's
 * user contact points in parallel, one batched registry call each, skipping kinds nobody needs.
 */
export async function loadRegistrySnapshot(
  registry: ContactRegistry,
  keys: LookupKeys,
  asOf: Date = new Date(),
): Promise<RegistrySnapshot> {
  const userOrganizations = [...new Set(keys.userContactPoints.flatMap((q) => q.organizationNumbers))];
  const resourceIds = keys.userContactPoints.map((q) => q.resourceId);
  const [persons, organizations, selfIdentifiedUsers, userContactPoints, roleAssignments, resourcePolicies] =
    await Promise.all([
      keys.nationalIdentityNumbers.length > 0
        ? registry.findPersons(keys.nationalIdentityNumbers)
        : new Map<string, PersonContact>(),
      keys.organizationNumbers.length > 0
        ? registry.findOrganizations(keys.organizationNumbers)
        : new Map<string, OrganizationContact>(),
      keys.externalIdentities.length > 0
        ? registry.findSelfIdentifiedUsers(keys.externalIdentities)
        : new Map<string, SelfIdentifiedUserContact>(),
      Promise.all(
        keys.userContactPoints.map((q) =>
          registry.findUserContactPoints(q.organizationNumbers, q.resourceId),
        ),
      ),
      userOrganizations.length > 0
        ? registry.findRoleAssignments(userOrganizations)
        : Promise.resolve<RoleAssignment[]>([]),
      resourceIds.length > 0 ? registry.findResourcePolicies(resourceIds) : new Map<string, ResourcePolicy>(),
    ]);
  return {
    persons,
    organizations,
    selfIdentifiedUsers,
    userContactPoints: userContactPoints.flat(),
    roleAssignments,
    resourcePolicies,
    asOf,
  };
}
