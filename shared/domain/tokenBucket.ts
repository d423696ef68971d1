import { z } from "zod";

/**
 * Provider pacing as a token bucket per provider resource (an ACS sender domain, the LINK account), kept in one
 * stored document that every instance updates under its ETag. These are the rules; the store is an adapter.
 */

/** Which sends may take which tokens: bulk batches stop at a reserve that only priority sends may take. */
export type PacingLane = "priority" | "bulk";

export interface BucketLimit {
  /** Tokens added per second (the provider's sustained rate). */
  perSecond: number;
  /** Most tokens the bucket holds (the most sends at once after a quiet spell). */
  burst: number;
  /** Tokens bulk sends leave for priority sends (instant orders, single orders due now). */
  bulkReserve: number;
}

/** Share of the burst that bulk sends leave to priority sends (at least one token). */
const bulkReserveShare = 0.1;

/** The limit of `perMinute` sends a minute with `burst`; undefined when 0 a minute turns pacing off. */
export function bucketLimitOf(perMinute: number, burst: number): BucketLimit | undefined {
  if (perMinute <= 0) return undefined;
  return { perSecond: perMinute / 60, burst, bulkReserve: Math.ceil(burst * bulkReserveShare) };
}

/** The stored state of one bucket. */
export const tokenBucketSchema = z.object({
  id: z.string().min(1),
  tokens: z.number(),
  /** The moment `tokens` was counted; tokens accrue from here (from the end of a pause, when paused). */
  refilledAt: z.iso.datetime({ offset: true }),
  /** A provider's 429 asked everyone to wait until then (Retry-After). */
  pausedUntil: z.iso.datetime({ offset: true }).optional(),
  /** The wake-up time given to the last refused caller: the next one wakes after it, not at the same time. */
  waitingUntil: z.iso.datetime({ offset: true }).optional(),
  _etag: z.string().optional(),
});
export type TokenBucket = z.infer<typeof tokenBucketSchema>;

export interface TokenGrant {
  /** How many sends may go now: from 0 to what was asked. */
  granted: number;
  /** When less was granted than asked: when to come back for the rest. */
  retryAt?: Date;
}

const ms = (iso: string | undefined) => (iso === undefined ? Number.NEGATIVE_INFINITY : Date.parse(iso));

/** The tokens at `now`: what was left plus what accrued since, up to the burst; nothing accrues in a pause. */
function tokensAt(bucket: TokenBucket, limit: BucketLimit, now: number): number {
  const elapsedSeconds = Math.max(0, now - Date.parse(bucket.refilledAt)) / 1000;
  return Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.perSecond);
}

/** A bucket seen for the first time starts full. */
export function newBucket(id: string, limit: BucketLimit, now: Date): TokenBucket {
  return { id, tokens: limit.burst, refilledAt: now.toISOString() };
}

/**
 * Takes up to `wanted` tokens at `now`. Bulk sends take only what lies above the reserve. A bulk caller that
 * gets less than it asked for is given a time to come back at which the tokens it still needs (up to a burst)
 * will have accrued behind the bulk callers refused before it, so they wake one after another instead of all
 * at once; a priority caller comes back when its token has accrued. Returns the bucket to store (also on a refusal: it records the wake-up time handed out).
 */
export function takeTokens(
  bucket: TokenBucket,
  limit: BucketLimit,
  wanted: number,
  lane: PacingLane,
  now: Date,
): { bucket: TokenBucket; grant: TokenGrant } {
  const at = now.getTime();
  const floor = lane === "bulk" ? Math.min(limit.bulkReserve, limit.burst - 1) : 0;
  const paused = ms(bucket.pausedUntil) > at;
  const tokens = tokensAt(bucket, limit, at);
  const granted = paused ? 0 : Math.max(0, Math.min(wanted, Math.floor(tokens - floor)));
  const left = tokens - granted;
  const counted = {
    ...bucket,
    tokens: left,
    refilledAt: new Date(Math.max(at, ms(bucket.refilledAt))).toISOString(),
  };
  if (granted === wanted) return { bucket: counted, grant: { granted } };

  const need = Math.min(wanted - granted, limit.burst - floor);
  const accruesFrom = Math.max(at, ms(bucket.refilledAt));
  const deficit = Math.max(0, floor + need - left);
  const accrued = Math.ceil(accruesFrom + (deficit / limit.perSecond) * 1000);
  // Priority sends come back as soon as their token has accrued: bulk sends cannot take it (the reserve), so
  // they need no place in the line of refused bulk sends.
  if (lane === "priority") return { bucket: counted, grant: { granted, retryAt: new Date(accrued) } };
  const retryAt = new Date(
    Math.max(accrued, Math.ceil(ms(bucket.waitingUntil) + (need / limit.perSecond) * 1000)),
  );
  return {
    bucket: { ...counted, waitingUntil: retryAt.toISOString() },
    grant: { granted, retryAt },
  };
}

/**
 * A provider answered 429: nothing is sent to it until `until`, and sending then resumes at the steady rate
 * (the bucket is emptied, so the pause does not end in a burst). A longer pause already recorded stands.
 */
export function pauseBucket(bucket: TokenBucket, until: Date): TokenBucket {
  const end = Math.max(until.getTime(), ms(bucket.pausedUntil));
  const endIso = new Date(end).toISOString();
  return { ...bucket, tokens: 0, refilledAt: endIso, pausedUntil: endIso, waitingUntil: endIso };
}

/** The providers whose sends are paced. */
export type PacedProvider = "acs" | "link";

/**
 * The bucket a send counts against. Email: the sender address's domain (ACS keeps a quota per resource, and
 * each deployment has one resource, so in practice one bucket per sending domain). SMS: the LINK account,
 * one per deployment (`LINK_USERNAME`), so one bucket.
 */
export function pacingKeyOf(n: { channel: "email"; from: string } | { channel: "sms" }): {
  provider: PacedProvider;
  key: string;
} {
  if (n.channel === "sms") return { provider: "link", key: "link" };
  const domain = n.from.slice(n.from.lastIndexOf("@") + 1).toLowerCase();
  return { provider: "acs", key: `acs:${domain}` };
}
