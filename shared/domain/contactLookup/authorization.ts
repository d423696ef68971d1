import type { ResourcePolicy, RoleAssignment, UserContactPoint } from "./contacts";

/**
 * Who within an organisation is notified about a resource (Altinn: the Authorization PDP asked, per user and
 * organisation, whether the order's `resourceAction` is permitted), decided from the register copy: the
 * user's roles and access packages in that organisation, and the resource's policy of which of them grant
 * which action. Deny by default: no policy, no assignment or no matching role means no notification.
 */

/** Altinn's default when an order names a resource without an action. */
export const defaultResourceAction = "read";

/** Role codes and access package URNs compare without case or surrounding space. */
const roleKey = (role: string) => role.trim().toLowerCase();

/** Whether the user's roles in the contact point's organisation grant `action` under the policy. */
export function isGrantedAction(
  user: Pick<UserContactPoint, "organizationNumber" | "userId">,
  assignments: readonly RoleAssignment[],
  policy: ResourcePolicy | undefined,
  action: string,
): boolean {
  const granting = policy?.actions[action.trim().toLowerCase()] ?? [];
  if (granting.length === 0) return false;
  const wanted = new Set(granting.map(roleKey));
  return assignments.some(
    (assignment) =>
      assignment.organizationNumber === user.organizationNumber &&
      assignment.userId === user.userId &&
      assignment.roles.some((role) => wanted.has(roleKey(role))),
  );
}

/** KRR: contact details not confirmed within 18 months are not used unless the order allows stale ones. */
const staleAfterMonths = 18;

/** Whether a detail confirmed at `lastVerified` is still current at `asOf` (unknown: current). */
export function isCurrentContactDetail(lastVerified: string | undefined, asOf: Date | undefined): boolean {
  if (lastVerified === undefined || asOf === undefined) return true;
  const verified = Date.parse(lastVerified);
  if (Number.isNaN(verified)) return true;
  const limit = new Date(asOf.getTime());
  limit.setUTCMonth(limit.getUTCMonth() - staleAfterMonths);
  return verified >= limit.getTime();
}
