/**
 * Retry-After handling shared by the provider adapters (ACS and LINK both send it on 429/503).
 * Lives here because the adapter folders are the only place provider code may go; it has no ACS specifics.
 */

/** Used when a provider throttles or fails without saying for how long (Altinn: `IntermittentErrorDelay` = 60 s). */
export const defaultRetryAfterMs = 60_000;

/** Never ask the broker to redeliver sooner than this, even if a provider says `Retry-After: 0`. */
const minimumRetryAfterMs = 1_000;

/**
 * Milliseconds to wait according to a `Retry-After` header value: delta-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Missing or unparseable values give the default; past dates give the minimum.
 */
export function retryAfterMs(headerValue: string | null | undefined, now: Date = new Date()): number {
  const value = headerValue?.trim();
  if (!value) return defaultRetryAfterMs;
  if (/^\d+$/.test(value)) return Math.max(minimumRetryAfterMs, Number(value) * 1_000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return defaultRetryAfterMs;
  return Math.max(minimumRetryAfterMs, at - now.getTime());
}
