import type { TenantLimits } from "../domain/intakeLimits";

export type Admission = { allowed: true; remaining: number } | { allowed: false; retryAt: Date };

/** The per-organisation request rate, held across instances. */
export interface IntakeLimiter {
  admit(tenant: string, limits: TenantLimits, now: Date): Promise<Admission>;
}

/** Notifications an organisation ordered per calendar month, counted across instances. */
export interface NotificationQuota {
  used(tenant: string, month: string): Promise<number>;
  add(tenant: string, month: string, count: number): Promise<void>;
}
