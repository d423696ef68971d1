import type { Container, ItemDefinition } from "@azure/cosmos";
import { z } from "zod";
import { transient } from "../../errors";
import type { NotificationQuota } from "../../ports/intakeLimiter";
import { isCosmosStatus, mapCosmosError } from "./errors";

const counterSchema = z.object({ id: z.string(), used: z.number().int().min(0) });
const maxAttempts = 20;
/** A count read this recently is reused: intake checks the quota without a store read per request. */
const cachedMs = 5_000;
/** Counters are kept a little over a year, for the organisation's and the operators' questions. */
const counterTtlSeconds = 400 * 24 * 3600;

/** Counts added in an instance are written at most this often per counter (one write for many orders). */
const flushMs = 1_000;

/**
 * Notifications an organisation ordered per calendar month, one counter document per (tenant, month) in the
 * `rateBuckets` container, incremented under its ETag. Intake must not pay a store round trip per order, so
 * an instance adds up what it counted and writes the sum at most once a second, and reads are cached for 5 s.
 * The quota is therefore approximate: other instances' orders of the last 5 s may be missing from a check,
 * and an instance that dies loses at most its last second's count (the organisation is undercounted).
 */
export class CosmosNotificationQuota implements NotificationQuota {
  private readonly cache = new Map<string, { used: number; readAt: number }>();
  private readonly pending = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly container: Container) {}

  async used(tenant: string, month: string): Promise<number> {
    const key = counterId(tenant, month);
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.readAt < cachedMs) return cached.used + (this.pending.get(key) ?? 0);
    const { used } = await this.read(key);
    this.cache.set(key, { used, readAt: Date.now() });
    return used + (this.pending.get(key) ?? 0);
  }

  add(tenant: string, month: string, count: number): Promise<void> {
    if (count > 0) this.addPending(counterId(tenant, month), count);
    return Promise.resolve();
  }

  private addPending(key: string, count: number): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + count);
    if (this.timers.has(key)) return;
    const timer = setTimeout(() => {
      // A failed write keeps the count pending for the next one.
      this.flushKey(key).catch(() => undefined);
    }, flushMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Writes every pending count now (tests, and a host shutting down). */
  async flush(): Promise<void> {
    for (const key of [...this.pending.keys()]) await this.flushKey(key);
  }

  private async flushKey(key: string): Promise<void> {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const count = this.pending.get(key) ?? 0;
    if (count === 0) return;
    this.pending.delete(key);
    try {
      await this.write(key, count);
    } catch (error) {
      this.pending.set(key, (this.pending.get(key) ?? 0) + count);
      throw error;
    }
  }

  private async write(key: string, count: number): Promise<void> {
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const { used, etag } = await this.read(key);
      const body = { id: key, used: used + count, ttl: counterTtlSeconds };
      try {
        if (etag === undefined) await this.container.items.create(body);
        else
          await this.container
            .item(key, key)
            .replace(body, { accessCondition: { type: "IfMatch", condition: etag } });
        this.cache.set(key, { used: body.used, readAt: Date.now() });
        return;
      } catch (error) {
        if (!isCosmosStatus(error, 412) && !isCosmosStatus(error, 409))
          throw mapCosmosError(error, "count notifications against the quota");
      }
    }
    throw transient("quota: the organisation's counter stayed contended");
  }
  private async read(key: string): Promise<{ used: number; etag?: string }> {
    try {
      const { resource, etag } = await this.container.item(key, key).read<ItemDefinition>();
      const parsed = counterSchema.safeParse(resource);
      return parsed.success ? { used: parsed.data.used, etag } : { used: 0, ...(resource ? { etag } : {}) };
    } catch (error) {
      if (isCosmosStatus(error, 404)) return { used: 0 };
      throw mapCosmosError(error, "read the notification quota");
    }
  }
}

function counterId(tenant: string, month: string): string {
  return `quota:${tenant}:${month}`;
}
