import type { Container, ItemDefinition } from "@azure/cosmos";
import {
  newBucket,
  pauseBucket,
  takeTokens,
  tokenBucketSchema,
  type BucketLimit,
  type PacedProvider,
  type PacingLane,
  type TokenBucket,
  type TokenGrant,
} from "../../domain/tokenBucket";
import { transient } from "../../errors";
import type { PacedBucket, SendPacer } from "../../ports/sendPacer";
import { isCosmosStatus, mapCosmosError } from "./errors";

/** Per provider: its bucket limits, or undefined when its sends are not paced. */
type PacingLimits = Record<PacedProvider, BucketLimit | undefined>;

/**
 * Attempts at one read-modify-write before giving up: instances racing for one bucket each lose at most a few
 * times (one request per batch of up to 100 sends), and a send that gives up is retried by the broker.
 */
const maxAttempts = 20;

/** Spreads instances that lost a race, so they do not collide again at once. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));

/**
 * Token buckets in the `rateBuckets` container, one document per bucket (pk = id), changed under its ETag:
 * each take or pause is one point read and one write, whatever the number of tokens.
 */
export class CosmosSendPacer implements SendPacer {
  constructor(
    private readonly container: Container,
    private readonly limits: PacingLimits,
  ) {}

  async take(bucket: PacedBucket, wanted: number, lane: PacingLane, now: Date): Promise<TokenGrant> {
    const limit = this.limits[bucket.provider];
    if (!limit || wanted <= 0) return { granted: wanted };
    return this.change(bucket.key, limit, now, (current) => takeTokens(current, limit, wanted, lane, now));
  }

  async pause(bucket: PacedBucket, until: Date, now: Date): Promise<void> {
    const limit = this.limits[bucket.provider];
    if (!limit) return;
    await this.change(bucket.key, limit, now, (current) => ({
      bucket: pauseBucket(current, until),
      grant: undefined,
    }));
  }

  private async change<T>(
    key: string,
    limit: BucketLimit,
    now: Date,
    decide: (current: TokenBucket) => { bucket: TokenBucket; grant: T },
  ): Promise<T> {
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const { stored, etag } = await this.read(key);
      const { bucket, grant } = decide(stored ?? newBucket(key, limit, now));
      const body = tokenBucketSchema.omit({ _etag: true }).parse(bucket);
      try {
        if (etag === undefined) await this.container.items.create(body);
        else
          await this.container
            .item(key, key)
            .replace(body, { accessCondition: { type: "IfMatch", condition: etag } });
        return grant;
      } catch (error) {
        // Another instance changed the bucket (or created it) since it was read: read it again.
        if (!isCosmosStatus(error, 412) && !isCosmosStatus(error, 409))
          throw mapCosmosError(error, "pace sends");
        await backoff(attempt);
      }
    }
    throw transient(`pace sends: the bucket ${key} stayed contended`);
  }

  /** The bucket and its ETag; an unreadable one is replaced by a fresh (full) bucket rather than stop every send. */
  private async read(key: string): Promise<{ stored?: TokenBucket; etag?: string }> {
    try {
      const { resource, etag } = await this.container.item(key, key).read<ItemDefinition>();
      if (!resource) return {};
      const parsed = tokenBucketSchema.safeParse(resource);
      return { ...(parsed.success ? { stored: parsed.data } : {}), etag };
    } catch (error) {
      if (isCosmosStatus(error, 404)) return {};
      throw mapCosmosError(error, "read pacing bucket");
    }
  }
}
