import { z } from "zod";

/**
 * Per-organisation limits on intake: a request rate (token bucket: a sustained rate and a burst) on the routes
 * that create orders, and a monthly number of notifications. Defaults for everyone, overrides per organisation
 * (by tenant key: the org short name or the organisation number), from the SERVICE_OWNER_LIMITS setting.
 */

const limitFields = {
  /** Order requests a second, sustained; 0 turns the rate limit off. */
  requestsPerSecond: z.number().min(0).max(100_000),
  /** Requests allowed at once after a quiet spell. */
  burst: z.number().int().min(1).max(1_000_000),
  /** Notifications (recipients) a calendar month (UTC); 0 turns the quota off. */
  monthlyNotifications: z.number().int().min(0),
};

/**
 * Defaults that only stop a flood: far above what a service owner sends in normal use (a 1,000-order batch
 * fits the burst). Operators set tighter limits per organisation.
 */
const defaultIntakeLimits = { requestsPerSecond: 200, burst: 2_000, monthlyNotifications: 10_000_000 };

export const serviceOwnerLimitsSchema = z.object({
  requestsPerSecond: limitFields.requestsPerSecond.default(defaultIntakeLimits.requestsPerSecond),
  burst: limitFields.burst.default(defaultIntakeLimits.burst),
  monthlyNotifications: limitFields.monthlyNotifications.default(defaultIntakeLimits.monthlyNotifications),
  tenants: z
    .record(
      z.string().min(1),
      z
        .strictObject({
          ...limitFields,
          /** The organisation's notifications go to the simulator (docs/integrating.md, "Test mode"). */
          testMode: z.boolean(),
        })
        .partial(),
    )
    .default({}),
});
export type ServiceOwnerLimits = z.infer<typeof serviceOwnerLimitsSchema>;

export interface TenantLimits {
  requestsPerSecond: number;
  burst: number;
  monthlyNotifications: number;
}

export function limitsOf(limits: ServiceOwnerLimits, tenant: string): TenantLimits {
  const own = Object.hasOwn(limits.tenants, tenant) ? limits.tenants[tenant] : undefined;
  return {
    requestsPerSecond: own?.requestsPerSecond ?? limits.requestsPerSecond,
    burst: own?.burst ?? limits.burst,
    monthlyNotifications: own?.monthlyNotifications ?? limits.monthlyNotifications,
  };
}

/** Whether the organisation is in test mode: its email and SMS go to the simulator, never to a person. */
export function testModeOf(limits: ServiceOwnerLimits, tenant: string): boolean {
  return Object.hasOwn(limits.tenants, tenant) && limits.tenants[tenant]?.testMode === true;
}

/** The calendar month (UTC) a quota counts in, e.g. `2026-12`, and when the next one starts. */
export function quotaMonthOf(now: Date): { month: string; resets: Date } {
  const month = now.toISOString().slice(0, 7);
  return { month, resets: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
}

/**
 * Whether an order of `requested` notifications is refused by a monthly quota of which `used` is spent: once the
 * quota is used up every order is, and an order that declares its size up front (a bulk order at submit, which
 * may hold millions) is refused when it would take the month past the quota. A single request's size is only
 * known once it is accepted, so it is checked with `requested` 0: the order that crosses the quota is taken.
 */
export function exceedsQuota(used: number, requested: number, quota: number): boolean {
  return quota > 0 && (used >= quota || used + requested > quota);
}

/** The policy's name in the RateLimit headers. */
const intakePolicyName = "intake";

/**
 * The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers): the policy (`q` requests in a window of `w`
 * seconds: the burst, refilled in burst / rate seconds) and what is left of it now (`r`) and when it is full
 * again (`t`, seconds).
 */
export function rateLimitHeaders(limits: TenantLimits, remaining: number): Record<string, string> {
  const window = Math.max(1, Math.ceil(limits.burst / limits.requestsPerSecond));
  const left = Math.max(0, Math.floor(remaining));
  const refill = Math.max(0, Math.ceil((limits.burst - left) / limits.requestsPerSecond));
  return {
    "ratelimit-policy": `"${intakePolicyName}";q=${limits.burst};w=${window}`,
    ratelimit: `"${intakePolicyName}";r=${left};t=${refill}`,
  };
}

/**
 * The notifications an accepted order request counts for: each recipient once per send (the notification and
 * each reminder). A person reached by both email and SMS counts once.
 */
export function notificationsRequested(body: unknown): number {
  const fields: Record<string, unknown> = typeof body === "object" && body !== null ? { ...body } : {};
  const recipients = Array.isArray(fields["recipients"]) ? fields["recipients"].length : 1;
  const reminders = Array.isArray(fields["reminders"]) ? fields["reminders"].length : 0;
  return recipients * (1 + reminders);
}
