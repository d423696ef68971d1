import type { Container } from "@azure/cosmos";
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

/**
 * Notifications an organisation ordered per calendar month, one counter document per (tenant, month) in the
 * `rateBuckets` container, incremented under its ETag. Reads are cached for 5 s per instance, so a check may
 * miss what other instances added in that time: the quota can be overrun by what the organisation orders
 * through other instances within 5 s of reaching it.
 */
export class CosmosNotificationQuota implements NotificationQuota {
  private readonly cache = new Map<string, { used: number; readAt: number }>();

  constructor(private readonly container: Container) {}

  async used(tenant: string, month: string): Promise<number> {
    const key = counterId(tenant, month);
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.readAt < cachedMs) return cached.used;
    const { used } = await this.read(key);
    this.cache.set(key, { used, readAt: Date.now() });
    return used;
  }

  async add(tenant: string, month: string, count: number): Promise<void> {
    if (count <= 0) return;
    const key = counterId(tenant, month);
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
      const { resource, etag } = await this.container.item(key, key).read();
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
