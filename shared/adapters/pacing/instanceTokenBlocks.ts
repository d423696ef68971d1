import type { PacingLane, TokenGrant } from "../../domain/tokenBucket";
import type { PacedBucket, SendPacer } from "../../ports/sendPacer";

/**
 * How long an instance may keep tokens it took ahead for single sends. Tokens leave the shared bucket when
 * they are taken, so a send made up to this long after its token was taken is the documented margin: in any
 * window, at most one second's worth of tokens more than the bucket's rate and burst can reach the provider.
 */
export const tokenHoldMs = 1_000;

/** Most tokens one instance takes ahead in one store write. */
const maxBlock = 10;

interface Held {
  tokens: number;
  until: number;
  /** Single sends asked for in the current and the previous hold period: how large the next block is. */
  demand: number;
  previousDemand: number;
  periodStart: number;
}

/**
 * Single priority sends take their token from a small block this instance took ahead, sized by how many
 * single sends it saw in the last second (1 when quiet, so an idle instance wastes nothing), so a busy
 * instance writes the bucket once per block instead of once per send. Tokens not used within `tokenHoldMs`
 * are dropped. Batches and bulk sends go straight to the shared bucket.
 */
export class InstanceTokenBlocks implements SendPacer {
  private readonly held = new Map<string, Held>();

  constructor(private readonly shared: SendPacer) {}

  async take(bucket: PacedBucket, wanted: number, lane: PacingLane, now: Date): Promise<TokenGrant> {
    if (lane !== "priority" || wanted !== 1) return this.shared.take(bucket, wanted, lane, now);
    const at = now.getTime();
    const held = this.held.get(bucket.key) ?? {
      tokens: 0,
      until: 0,
      demand: 0,
      previousDemand: 0,
      periodStart: at,
    };
    this.held.set(bucket.key, held);
    if (at - held.periodStart >= tokenHoldMs) {
      held.previousDemand = at - held.periodStart < 2 * tokenHoldMs ? held.demand : 0;
      held.demand = 0;
      held.periodStart = at;
    }
    held.demand += 1;
    if (held.until <= at) held.tokens = 0;
    if (held.tokens > 0) {
      held.tokens -= 1;
      return { granted: 1 };
    }
    const block = Math.min(maxBlock, Math.max(1, held.previousDemand, held.demand));
    const grant = await this.shared.take(bucket, block, lane, now);
    if (grant.granted === 0) return grant;
    held.tokens += grant.granted - 1;
    held.until = at + tokenHoldMs;
    return { granted: 1 };
  }

  async pause(bucket: PacedBucket, until: Date, now: Date): Promise<void> {
    this.held.delete(bucket.key);
    await this.shared.pause(bucket, until, now);
  }
}
