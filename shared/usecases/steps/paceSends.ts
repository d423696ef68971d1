import type { NotificationDocument } from "../../domain/notification";
import { pacingKeyOf, type PacingLane } from "../../domain/tokenBucket";
import type { Clock } from "../../ports/clock";
import type { SendPacer } from "../../ports/sendPacer";
import type { SendResult } from "./callProvider";

interface PacingDeps {
  pacer: SendPacer;
  clock: Clock;
}

interface PacedSends {
  /** May go to the provider now: each has its token. */
  ready: NotificationDocument[];
  /** Wait for tokens; they stay New and their message comes back at `retryAt`. */
  waiting: NotificationDocument[];
  retryAt?: Date;
}

/**
 * Takes one token per send from its provider resource's bucket, one request per bucket for all of them
 * (a batch of 100 emails is one bucket write). What gets no token is not attempted: it waits, which is not
 * a provider failure.
 */
export async function takeTokensFor(
  deps: PacingDeps,
  sends: NotificationDocument[],
  lane: PacingLane,
  now: Date,
): Promise<PacedSends> {
  const byBucket = new Map<
    string,
    { bucket: ReturnType<typeof pacingKeyOf>; sends: NotificationDocument[] }
  >();
  for (const n of sends) {
    const bucket = pacingKeyOf(n);
    const group = byBucket.get(bucket.key) ?? { bucket, sends: [] };
    group.sends.push(n);
    byBucket.set(bucket.key, group);
  }
  const paced: PacedSends = { ready: [], waiting: [] };
  for (const { bucket, sends: group } of byBucket.values()) {
    const { granted, retryAt } = await deps.pacer.take(bucket, group.length, lane, now);
    paced.ready.push(...group.slice(0, granted));
    paced.waiting.push(...group.slice(granted));
    if (retryAt && (!paced.retryAt || retryAt > paced.retryAt)) paced.retryAt = retryAt;
  }
  return paced;
}

/**
 * A provider's 429: every send to that provider resource waits until its Retry-After, not just the sends
 * that got it. Each throttled resource is paused once, until the longest Retry-After it gave.
 */
export async function pauseThrottled(deps: PacingDeps, results: SendResult[]): Promise<void> {
  const longest = new Map<string, { notification: NotificationDocument; retryAfterMs: number }>();
  for (const r of results) {
    if (!("throttled" in r) || !r.throttled) continue;
    const key = pacingKeyOf(r.notification).key;
    if ((longest.get(key)?.retryAfterMs ?? -1) < r.retryAfterMs) longest.set(key, r);
  }
  const now = deps.clock.now();
  for (const { notification, retryAfterMs } of longest.values())
    await deps.pacer.pause(pacingKeyOf(notification), new Date(now.getTime() + retryAfterMs), now);
}
