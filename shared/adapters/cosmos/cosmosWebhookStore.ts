import type { Container, ItemDefinition } from "@azure/cosmos";
import { z } from "zod";
import {
  webhookDeliverySchema,
  webhookSubscriptionSchema,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookSubscription,
} from "../../domain/webhooks";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";
import type { WebhookStore } from "../../ports/webhooks";
import { runBulk } from "./bulk";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";
import { quarantineDocument, sweepPageOf } from "./sweepPage";

/**
 * Webhook subscriptions and deliveries in the `webhooks` container, in the tenant's partition. A document
 * that fails its schema is set aside (quarantined) so it never stops the dispatcher for the others. Every
 * write of a delivery (its payload names recipients' addresses) carries its retention (`ttl`, `retainUntil`),
 * computed from the status written; subscriptions hold no personal data and stay until deleted. Delivery
 * lists order by (subscription, status, sequence), the container's composite index, so a query for the pending
 * ones never reads through the delivered ones kept beside them.
 */
export class CosmosWebhookStore implements WebhookStore {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  async createSubscription(subscription: WebhookSubscription): Promise<WebhookSubscription> {
    try {
      const { resource } = await this.container.items.create(subscription);
      return webhookSubscriptionSchema.parse(resource);
    } catch (error) {
      throw mapCosmosError(error, "create webhook subscription");
    }
  }

  async getSubscription(tenant: string, id: string): Promise<WebhookSubscription | undefined> {
    const resource = await this.read(tenant, id, "read webhook subscription");
    const parsed = webhookSubscriptionSchema.safeParse(resource);
    return parsed.success ? parsed.data : undefined;
  }

  async listSubscriptions(tenant: string): Promise<WebhookSubscription[]> {
    return this.query(
      "SELECT * FROM c WHERE c.docType = 'subscription' AND c.tenant = @tenant AND NOT IS_DEFINED(c.quarantine) ORDER BY c.created ASC",
      [{ name: "@tenant", value: tenant }],
      webhookSubscriptionSchema,
      "list webhook subscriptions",
      tenant,
    );
  }

  async activeSubscriptions(): Promise<WebhookSubscription[]> {
    return this.query(
      "SELECT * FROM c WHERE c.docType = 'subscription' AND c.paused = false AND NOT IS_DEFINED(c.quarantine)",
      [],
      webhookSubscriptionSchema,
      "list active webhook subscriptions",
    );
  }

  async updateSubscription(
    subscription: WebhookSubscription,
    changes: Partial<WebhookSubscription>,
  ): Promise<WebhookSubscription> {
    const resource = await replaceIfUnchanged(
      this.container,
      subscription,
      subscription.pk,
      changes,
      "update webhook subscription",
    );
    return webhookSubscriptionSchema.parse(resource);
  }

  async deleteSubscription(tenant: string, id: string): Promise<boolean> {
    try {
      await this.container.item(id, tenant).delete();
      return true;
    } catch (error) {
      if (isCosmosStatus(error, 404)) return false;
      throw mapCosmosError(error, "delete webhook subscription");
    }
  }

  async addDeliveries(deliveries: WebhookDelivery[]): Promise<void> {
    // Create-if-absent, many per request: an existing one was queued by an earlier run that stopped before
    // moving the subscription's cursor.
    await runBulk(
      this.container,
      deliveries.map((delivery) => ({
        kind: "create" as const,
        body: { ...delivery, ...this.retention.webhookDelivery(delivery) },
      })),
      "queue webhook deliveries",
    );
  }

  async pendingDeliveries(subscription: WebhookSubscription): Promise<number> {
    try {
      const { resources } = await this.container.items
        .query(
          {
            query:
              "SELECT VALUE COUNT(1) FROM c WHERE c.docType = 'delivery' AND c.subscriptionId = @subscription AND c.status = 'pending'",
            parameters: [{ name: "@subscription", value: subscription.id }],
          },
          { partitionKey: subscription.tenant },
        )
        .fetchAll();
      return z.array(z.number().int()).parse(resources)[0] ?? 0;
    } catch (error) {
      throw mapCosmosError(error, "count pending webhook deliveries");
    }
  }

  async dueDeliveries(
    subscription: WebhookSubscription,
    now: Date,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    return this.query(
      "SELECT TOP @limit * FROM c WHERE c.docType = 'delivery' AND c.subscriptionId = @subscription AND c.status = 'pending' AND c.nextAttemptAt <= @now AND NOT IS_DEFINED(c.quarantine) ORDER BY c.subscriptionId ASC, c.status ASC, c.sequence ASC",
      [
        { name: "@limit", value: limit },
        { name: "@subscription", value: subscription.id },
        { name: "@now", value: now.toISOString() },
      ],
      webhookDeliverySchema,
      "list due webhook deliveries",
      subscription.tenant,
    );
  }

  async listDeliveries(
    tenant: string,
    subscriptionId: string,
    status: WebhookDeliveryStatus,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    return this.query(
      "SELECT TOP @limit * FROM c WHERE c.docType = 'delivery' AND c.subscriptionId = @subscription AND c.status = @status AND NOT IS_DEFINED(c.quarantine) ORDER BY c.subscriptionId ASC, c.status ASC, c.sequence ASC",
      [
        { name: "@limit", value: limit },
        { name: "@subscription", value: subscriptionId },
        { name: "@status", value: status },
      ],
      webhookDeliverySchema,
      "list webhook deliveries",
      tenant,
    );
  }

  async getDelivery(tenant: string, id: string): Promise<WebhookDelivery | undefined> {
    const resource = await this.read(tenant, id, "read webhook delivery");
    const parsed = webhookDeliverySchema.safeParse(resource);
    return parsed.success ? parsed.data : undefined;
  }

  async updateDelivery(
    delivery: WebhookDelivery,
    changes: Partial<WebhookDelivery>,
  ): Promise<WebhookDelivery> {
    const resource = await replaceIfUnchanged(
      this.container,
      delivery,
      delivery.pk,
      { ...changes, ...this.retention.webhookDelivery({ ...delivery, ...changes }) },
      "update webhook delivery",
    );
    return webhookDeliverySchema.parse(resource);
  }

  private async read(tenant: string, id: string, what: string): Promise<unknown> {
    try {
      const { resource } = await this.container.item(id, tenant).read<ItemDefinition>();
      return resource;
    } catch (error) {
      if (isCosmosStatus(error, 404)) return undefined;
      throw mapCosmosError(error, what);
    }
  }

  private async query<T>(
    query: string,
    parameters: Array<{ name: string; value: string | number }>,
    schema: z.ZodType<T>,
    what: string,
    partitionKey?: string,
  ): Promise<T[]> {
    try {
      const { resources } = await this.container.items
        .query({ query, parameters }, partitionKey === undefined ? {} : { partitionKey })
        .fetchAll();
      const page = sweepPageOf(resources, schema, (raw) => raw["pk"]);
      for (const unreadable of page.unreadable)
        await quarantineDocument(this.container, unreadable, unreadable.problem, new Date());
      return page.documents;
    } catch (error) {
      throw mapCosmosError(error, what);
    }
  }
}
