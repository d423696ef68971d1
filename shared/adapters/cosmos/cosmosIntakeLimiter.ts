import type { Container, ItemDefinition } from "@azure/cosmos";
import type { TenantLimits } from "../../domain/intakeLimits";
import {
  newBucket,
  takeTokens,
  tokenBucketSchema,
  type BucketLimit,
  type TokenBucket,
} from "../../domain/tokenBucket";
import { transient } from "../../errors";
import type { Admission, IntakeLimiter } from "../../ports/intakeLimiter";
import { isCosmosStatus, mapCosmosError } from "./errors";

/** A lease holds a tenth of a second's tokens (at least one), so most requests cost no store round trip. */
const leaseSeconds = 0.1;
/** Leased tokens not used within this are dropped (they were taken from the shared bucket: never given twice). */
const leaseLifetimeMs = 1_000;
const maxAttempts = 20;

interface Lease {
  tokens: number;
  expires: number;
  /** Tokens the shared bucket still held when this lease was taken. */
  bucketLeft: number;
  /** After a refusal: the store said no until then, so requests before it are refused without asking again. */
  refusedUntil?: number;
}

/**
 * Each organisation's request rate as a token bucket in the `rateBuckets` container (`intake:{tenant}`, the
 * rules of domain/tokenBucket.ts), shared by every instance. An instance takes tokens in small leases under the
 * bucket's ETag and hands them out locally, so the limit holds across instances and is never exceeded; the
 * approximation is the other way: leased tokens an instance does not use within a second are lost, so an
 * organisation at its limit may be refused up to one lease (a tenth of its rate) per instance early.
 */
export class CosmosIntakeLimiter implements IntakeLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly refills = new Map<string, Promise<void>>();

  constructor(private readonly container: Container) {}

  async admit(tenant: string, limits: TenantLimits, now: Date): Promise<Admission> {
    // Each pass either finds a token or a refusal, or waits for a refill that leaves one of them behind.
    for (;;) {
      const at = now.getTime();
      const lease = this.leases.get(tenant);
      if (lease && lease.tokens >= 1 && lease.expires > at) {
        lease.tokens -= 1;
        return { allowed: true, remaining: lease.bucketLeft + lease.tokens };
      }
      if (lease?.refusedUntil !== undefined && lease.refusedUntil > at)
        return { allowed: false, retryAt: new Date(lease.refusedUntil) };
      // One refill per organisation at a time in this instance; the others wait for it and look again.
      let refill = this.refills.get(tenant);
      if (!refill) {
        refill = this.refill(tenant, limits, now).finally(() => this.refills.delete(tenant));
        this.refills.set(tenant, refill);
      }
      await refill;
    }
  }

  private async refill(tenant: string, limits: TenantLimits, now: Date): Promise<void> {
    const limit: BucketLimit = { perSecond: limits.requestsPerSecond, burst: limits.burst, bulkReserve: 0 };
    const wanted = Math.min(limits.burst, Math.max(1, Math.floor(limits.requestsPerSecond * leaseSeconds)));
    const key = `intake:${tenant}`;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const { stored, etag } = await this.read(key);
      const { bucket, grant } = takeTokens(
        stored ?? newBucket(key, limit, now),
        limit,
        wanted,
        "priority",
        now,
      );
      if (!(await this.write(key, bucket, etag))) {
        // Another instance changed the bucket since it was read: spread the retries so they do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
        continue;
      }
      this.leases.set(tenant, {
        tokens: grant.granted,
        expires: now.getTime() + leaseLifetimeMs,
        bucketLeft: bucket.tokens,
        ...(grant.granted === 0 && grant.retryAt ? { refusedUntil: grant.retryAt.getTime() } : {}),
      });
      return;
    }
    throw transient("intake limit: the organisation's bucket stayed contended");
  }

  /** False when another instance changed the bucket since it was read. */
  private async write(key: string, bucket: TokenBucket, etag: string | undefined): Promise<boolean> {
    const body = tokenBucketSchema.omit({ _etag: true }).parse(bucket);
    try {
      if (etag === undefined) await this.container.items.create(body);
      else
        await this.container
          .item(key, key)
          .replace(body, { accessCondition: { type: "IfMatch", condition: etag } });
      return true;
    } catch (error) {
      if (isCosmosStatus(error, 412) || isCosmosStatus(error, 409)) return false;
      throw mapCosmosError(error, "take intake tokens");
    }
  }

  private async read(key: string): Promise<{ stored?: TokenBucket; etag?: string }> {
    try {
      const { resource, etag } = await this.container.item(key, key).read<ItemDefinition>();
      if (!resource) return {};
      const parsed = tokenBucketSchema.safeParse(resource);
      return { ...(parsed.success ? { stored: parsed.data } : {}), etag };
    } catch (error) {
      if (isCosmosStatus(error, 404)) return {};
      throw mapCosmosError(error, "read intake bucket");
    }
  }
}
