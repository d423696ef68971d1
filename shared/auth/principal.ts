/** The authenticated caller: a service owner organisation with the scopes its token grants. */
export interface Principal {
  /** Tenant key: the `urn:altinn:org` short name, or the organisation number of a Maskinporten consumer. */
  tenant: string;
  scopes: ReadonlySet<string>;
}

export const scopes = {
  create: "altinn:serviceowner/notifications.create",
  /** Altinn's own scope for `future/orders/composed-email` (the create scope alone does not grant it). */
  composedEmail: "altinn:serviceowner/notifications.composedemail.create",
  /** Operators (Altinn's support scope): dead delivery reports span tenants. */
  operator: "altinn:notifications.support.admin",
  /** What a send-condition call carries (Altinn: a Maskinporten token for Digdir with this scope). */
  conditionCheck: "altinn:system/notifications.condition.check",
} as const;
