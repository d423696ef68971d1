import type { PacedProvider, PacingLane, TokenGrant } from "../domain/tokenBucket";

export interface PacedBucket {
  provider: PacedProvider;
  /** The bucket's id, from `pacingKeyOf` (e.g. `acs:example.no`, `link`). */
  key: string;
}

/**
 * Paces sends to a provider across every instance: a send goes out only with a token of its provider
 * resource's bucket, and a provider's 429 pauses the whole bucket. A provider whose pacing is turned off
 * grants every token and ignores pauses.
 */
export interface SendPacer {
  /** Takes up to `wanted` tokens at `now`; with fewer than asked, says when to come back for the rest. */
  take(bucket: PacedBucket, wanted: number, lane: PacingLane, now: Date): Promise<TokenGrant>;
  /** Holds every send to the bucket until `until` (the provider's Retry-After). */
  pause(bucket: PacedBucket, until: Date, now: Date): Promise<void>;
}
