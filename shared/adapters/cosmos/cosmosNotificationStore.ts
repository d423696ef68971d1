import type { Container, ItemDefinition, SqlQuerySpec } from "@azure/cosmos";
import { z } from "zod";
import {
  notificationDocumentSchema,
  type NotificationDocument,
  type SmsNotificationDocument,
} from "../../domain/notification";
import { emailResults, smsResults } from "../../domain/statuses";
import type { NewNotification, NotificationStore } from "../../ports/notificationStore";
import type { RecipientStatus, RecipientStatusPage } from "../../ports/recipientStatuses";
import type { SweepPage } from "../../ports/sweepPage";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";
import { quarantineDocument, sweepPageOf } from "./sweepPage";
import { createEach, readMany, runBulk } from "./bulk";
import { AppError } from "../../errors";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";

/** Pending as `isPendingNotification` says; a quarantined document is never pending. */
const pendingCondition =
  "((c.channel = 'email' AND c.status IN ('New', 'Sending', 'Succeeded')) OR (c.channel = 'sms' AND c.status IN ('New', 'Sending', 'Accepted'))) AND NOT IS_DEFINED(c.quarantine)";

/** The fields of a notification that say where it went and how it ended, as `recipientStatuses` projects them. */
const recipientStatusRow = z.discriminatedUnion("channel", [
  z.object({
    id: z.string(),
    channel: z.literal("email"),
    status: z.enum(emailResults),
    address: z.string().optional(),
    statusChangedAt: z.string(),
  }),
  z.object({
    id: z.string(),
    channel: z.literal("sms"),
    status: z.enum(smsResults),
    address: z.string().optional(),
    statusChangedAt: z.string(),
  }),
]);

/**
 * Notifications in the `notifications` container, partitioned by order id. Every write carries the
 * notification's retention (`ttl`, `retainUntil`): its address and message body go with it.
 */
/** An update never changes the channel, so the stored document is of the caller's kind again. */
function sameChannel<T extends NotificationDocument>(like: T, document: NotificationDocument): document is T {
  return document.channel === like.channel;
}

export class CosmosNotificationStore implements NotificationStore {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  /** An unreadable notification is left out (the sweeper quarantines it) rather than failing the whole list. */
  async listByOrder(orderId: string): Promise<NotificationDocument[]> {
    const page = await this.sweepQuery(
      {
        query: "SELECT * FROM c WHERE c.orderId = @orderId ORDER BY c.created ASC",
        parameters: [{ name: "@orderId", value: orderId }],
      },
      orderId,
    );
    return page.documents;
  }

  async get(orderId: string, notificationId: string): Promise<NotificationDocument | undefined> {
    try {
      const { resource } = await this.container.item(notificationId, orderId).read<ItemDefinition>();
      return resource ? notificationDocumentSchema.parse(resource) : undefined;
    } catch (error) {
      throw mapCosmosError(error, "read notification");
    }
  }

  /** Served by the `/reference` index: a delivery report needs no reference document of its own. */
  async findSmsByReferences(references: string[]): Promise<SmsNotificationDocument[]> {
    if (references.length === 0) return [];
    const { documents } = await this.sweepQuery({
      query: "SELECT * FROM c WHERE c.channel = 'sms' AND ARRAY_CONTAINS(@references, c.reference)",
      parameters: [{ name: "@references", value: references }],
    });
    return documents.filter((n) => n.channel === "sms");
  }

  async getMany(orderId: string, notificationIds: string[]): Promise<NotificationDocument[]> {
    const found = await readMany(
      this.container,
      notificationIds.map((id) => ({ id, partitionKey: orderId })),
      "read notifications",
    );
    return found.map((raw) => notificationDocumentSchema.parse(raw));
  }

  async createMany(notifications: NewNotification[]): Promise<NotificationDocument[]> {
    // An existing one was created by an earlier run of the same step: create-if-absent.
    const etags = await createEach(
      this.container,
      notifications.map((n) => ({ ...n, ...this.retention.notification(n) })),
      "create notifications",
    );
    return notifications.flatMap((n, i) => {
      const _etag = etags[i];
      return _etag ? [{ ...n, _etag }] : [];
    });
  }

  async updateMany<T extends NotificationDocument>(
    updates: Array<{ notification: T; changes: Partial<Omit<T, "id" | "orderId" | "channel">> }>,
  ): Promise<Array<"updated" | "conflict">> {
    const outcomes = await runBulk(
      this.container,
      updates.map(({ notification, changes }) => {
        const { _etag, ...current } = notification;
        if (!_etag)
          throw new AppError("permanent", "update notifications: a notification was read without an ETag");
        return {
          kind: "replace" as const,
          id: notification.id,
          partitionKey: notification.orderId,
          ifMatch: _etag,
          body: { ...current, ...changes, ...this.retention.notification({ ...current, ...changes }) },
        };
      }),
      "update notifications",
    );
    return outcomes.map((o) => (o === "done" ? "updated" : "conflict"));
  }

  async remove(orderId: string, notificationId: string): Promise<void> {
    try {
      await this.container.item(notificationId, orderId).delete();
    } catch (error) {
      if (!isCosmosStatus(error, 404)) throw mapCosmosError(error, "remove notification");
    }
  }

  async update<T extends NotificationDocument>(
    notification: T,
    changes: Partial<Omit<T, "id" | "orderId" | "channel">>,
  ): Promise<T> {
    const resource = await replaceIfUnchanged(
      this.container,
      notification,
      notification.orderId,
      { ...changes, ...this.retention.notification({ ...notification, ...changes }) },
      "update notification",
    );
    const updated = notificationDocumentSchema.parse(resource);
    if (!sameChannel(notification, updated))
      throw new AppError("permanent", "update notification: channel changed");
    return updated;
  }

  listPending(orderId: string, limit: number): Promise<SweepPage<NotificationDocument>> {
    return this.sweepQuery(
      {
        query: `SELECT TOP @limit * FROM c WHERE c.orderId = @orderId AND ${pendingCondition}`,
        parameters: [
          { name: "@limit", value: limit },
          { name: "@orderId", value: orderId },
        ],
      },
      orderId,
    );
  }

  findExpired(cutoff: Date, limit: number): Promise<SweepPage<NotificationDocument>> {
    return this.sweepQuery({
      query: `SELECT TOP @limit * FROM c WHERE ${pendingCondition} AND c.expiry < @cutoff ORDER BY c.expiry ASC`,
      parameters: [
        { name: "@limit", value: limit },
        { name: "@cutoff", value: cutoff.toISOString() },
      ],
    });
  }

  /** A projection, not the documents: a page of 500 costs a few request units, whatever the bodies weigh. */
  async recipientStatuses(orderId: string, after: string, limit: number): Promise<RecipientStatusPage> {
    let resources: unknown[];
    try {
      ({ resources } = await this.container.items
        .query(
          {
            query:
              "SELECT TOP @limit c.id, c.channel, c.status, c.recipient.address AS address, c.statusChangedAt FROM c WHERE c.orderId = @orderId AND c.id > @after ORDER BY c.id ASC",
            parameters: [
              { name: "@limit", value: limit },
              { name: "@orderId", value: orderId },
              { name: "@after", value: after },
            ],
          },
          { partitionKey: orderId },
        )
        .fetchAll());
    } catch (error) {
      throw mapCosmosError(error, "read recipient statuses");
    }
    const statuses: RecipientStatus[] = [];
    for (const resource of resources) {
      const row = recipientStatusRow.safeParse(resource);
      // An unreadable notification is left out, as listByOrder leaves it out of a small order's feed entry.
      if (!row.success) continue;
      const { id, ...status } = row.data;
      statuses.push({ notificationId: id, ...status });
    }
    // The cursor is the last row read, readable or not, so a page of unreadable ones is passed, not repeated.
    const last = z.object({ id: z.string() }).safeParse(resources.at(-1));
    return { statuses, next: resources.length === limit && last.success ? last.data.id : undefined };
  }

  quarantine(orderId: string, notificationId: string, problem: string, at: Date): Promise<void> {
    return quarantineDocument(this.container, { id: notificationId, partitionKey: orderId }, problem, at);
  }

  private async sweepQuery(
    query: SqlQuerySpec,
    partitionKey?: string,
  ): Promise<SweepPage<NotificationDocument>> {
    let resources: unknown[];
    try {
      ({ resources } = await this.container.items
        .query(query, partitionKey === undefined ? {} : { partitionKey })
        .fetchAll());
    } catch (error) {
      throw mapCosmosError(error, "query notifications");
    }
    return sweepPageOf(resources, notificationDocumentSchema, (raw) => raw["orderId"]);
  }
}
