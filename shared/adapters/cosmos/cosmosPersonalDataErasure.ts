import type { Container, Database } from "@azure/cosmos";
import { z } from "zod";
import { retentionKept } from "../../domain/retention";
import { systemClock, type Clock } from "../../ports/clock";
import type { ErasureReport, PersonalDataErasure } from "../../ports/personalDataErasure";
import { containers } from "../../platform/resources";
import { normalizeMobileNumber } from "../../domain/norwegianIdentifiers";
import { pendingEmailResults, pendingSmsResults } from "../../domain/statuses";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { personDocumentId } from "./cosmosContactRegistry";

/**
 * Erasure over the containers: cross-partition queries find what names the person (rare, operator-run, so a
 * scan is acceptable); each change is a replace under the ETag read, retried when the pipeline moved the
 * document meanwhile. Anonymised rows keep their place, so a large order's fan-out positions stay valid.
 */

type Stored = Record<string, unknown> & { id: string; _etag?: string };

const recipientRowSchema = z.looseObject({ nationalIdentityNumber: z.string().optional() });
const notificationSchema = z.looseObject({
  id: z.string(),
  orderId: z.string(),
  channel: z.enum(["email", "sms"]),
  status: z.string(),
  recipient: z.looseObject({
    address: z.string().optional(),
    nationalIdentityNumber: z.string().optional(),
    organizationNumber: z.string().optional(),
  }),
});
/** The person as an organisation's user: where the organisation's orders reached them. */
const userContactPointSchema = z.looseObject({
  organizationNumber: z.string(),
  email: z.string().optional(),
  mobileNumber: z.string().optional(),
});
const feedEntrySchema = z.looseObject({
  id: z.string(),
  creator: z.string(),
  recipients: z.array(z.looseObject({ destination: z.string() })),
});
/** A webhook delivery's payload: an order's recipients (order.status) or one recipient (recipient.status). */
const webhookDeliverySchema = z.looseObject({
  id: z.string(),
  pk: z.string(),
  payload: z.looseObject({
    data: z.looseObject({
      destination: z.string().optional(),
      recipients: z.array(z.looseObject({ destination: z.string() })).optional(),
    }),
  }),
});

/** Replaced pending notifications stop here: nothing may be sent to an erased person. */
const erasedStatus = { email: "Failed", sms: "Failed" } as const;
const pendingStatuses: Record<"email" | "sms", ReadonlySet<string>> = {
  email: pendingEmailResults,
  sms: pendingSmsResults,
};
const maxAttempts = 5;

async function queryWith(
  container: Container,
  text: string,
  parameters: Array<{ name: string; value: string }>,
  what: string,
): Promise<Stored[]> {
  try {
    const { resources } = await container.items.query<Stored>({ query: text, parameters }).fetchAll();
    return resources;
  } catch (error) {
    throw mapCosmosError(error, `erasure: find ${what}`);
  }
}

function query(container: Container, text: string, nin: string, what: string): Promise<Stored[]> {
  return queryWith(container, text, [{ name: "@nin", value: nin }], what);
}

function addressQuery(container: Container, text: string, address: string, what: string): Promise<Stored[]> {
  return queryWith(container, text, [{ name: "@address", value: address }], what);
}

/** Recipient rows (a feed entry's, a webhook payload's) with the address's destination blanked. */
function withBlankDestination<R extends { destination: string }>(rows: R[], address: string): R[] {
  return rows.map((r) => (r.destination === address ? { ...r, destination: "" } : r));
}

/** The delivery with the address blanked wherever its payload names it; undefined when it names it nowhere. */
function withoutAddress(doc: Stored, address: string): Stored | undefined {
  const parsed = webhookDeliverySchema.safeParse(doc);
  if (!parsed.success) return undefined;
  const { data } = parsed.data.payload;
  const named =
    data.destination === address || (data.recipients ?? []).some((r) => r.destination === address);
  if (!named) return undefined;
  return {
    ...doc,
    payload: {
      ...parsed.data.payload,
      data: {
        ...data,
        ...(data.destination === address ? { destination: "" } : {}),
        ...(data.recipients ? { recipients: withBlankDestination(data.recipients, address) } : {}),
      },
    },
  };
}

/**
 * Replaces the document with `change(doc)` under its ETag, reading it again after a lost race. The document
 * keeps the instant it is deleted at: an erasure must not give the rest of it (other recipients' rows) a
 * longer life, as carrying the old `ttl` over would (Cosmos counts it from this write).
 */
async function replaceWith(
  container: Container,
  first: Stored,
  partitionKey: string,
  change: (doc: Stored) => Stored | undefined,
  what: string,
  clock: Clock,
): Promise<boolean> {
  let current: Stored | undefined = first;
  for (let attempt = 0; attempt < maxAttempts && current; attempt += 1) {
    const changed = change(current);
    if (!changed) return false;
    const next = { ...changed, ...retentionKept(changed, clock.now()) };
    try {
      await container.item(current.id, partitionKey).replace(next, {
        accessCondition: { type: "IfMatch", condition: String(current._etag) },
      });
      return true;
    } catch (error) {
      if (!isCosmosStatus(error, 412)) throw mapCosmosError(error, `erasure: anonymise ${what}`);
    }
    ({ resource: current } = await container.item(first.id, partitionKey).read<Stored>());
  }
  if (current) throw mapCosmosError({ statusCode: 412 }, `erasure: anonymise ${what}`);
  return false;
}

/** The recipient rows with the person's number emptied; undefined when none named the person. */
function withoutPerson(rows: unknown, nin: string): { rows: unknown[]; erased: number } | undefined {
  if (!Array.isArray(rows)) return undefined;
  const list: readonly unknown[] = rows;
  let erased = 0;
  const kept = list.map((row) => {
    const parsed = recipientRowSchema.safeParse(row);
    if (!parsed.success || parsed.data.nationalIdentityNumber !== nin) return row;
    erased += 1;
    return {};
  });
  return erased > 0 ? { rows: kept, erased } : undefined;
}

/** The person's notification without address, identifiers or text; undefined when it is not the person's. */
function anonymisedNotification(
  doc: Stored,
  isPerson: (recipient: z.infer<typeof notificationSchema>["recipient"]) => boolean,
): Stored | undefined {
  const parsed = notificationSchema.safeParse(doc);
  if (!parsed.success || !isPerson(parsed.data.recipient)) return undefined;
  const channel = parsed.data.channel;
  const pending = pendingStatuses[channel].has(parsed.data.status);
  const { deliveryReport: _report, ...rest } = doc;
  return {
    ...rest,
    recipient: { erased: true },
    body: "",
    ...(channel === "email" ? { subject: "" } : {}),
    ...(pending ? { status: erasedStatus[channel] } : {}),
  };
}

export class CosmosPersonalDataErasure implements PersonalDataErasure {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock = systemClock,
  ) {}

  async erase(nationalIdentityNumber: string): Promise<ErasureReport> {
    const nin = nationalIdentityNumber;
    const orders = this.database.container(containers.orders.name);
    const notifications = this.database.container(containers.notifications.name);
    const feed = this.database.container(containers.statusFeed.name);
    const registry = this.database.container(containers.registry.name);
    const webhooks = this.database.container(containers.webhooks.name);
    const report: ErasureReport = {
      orderIds: [],
      recipientRows: 0,
      notifications: 0,
      statusFeedEntries: 0,
      webhookDeliveries: 0,
      registry: { persons: 0, userContactPoints: 0, roleAssignments: 0 },
    };

    // Orders, reminders and large orders' recipient parts that name the person.
    const named = await query(
      orders,
      "SELECT * FROM c WHERE (c.docType = 'order' OR c.docType = 'recipientPart') AND ARRAY_CONTAINS(c.recipients, {'nationalIdentityNumber': @nin}, true)",
      nin,
      "orders",
    );
    for (const doc of named) {
      let erased = 0;
      const changed = await replaceWith(
        orders,
        doc,
        String(doc["pk"]),
        (current) => {
          const result = withoutPerson(current["recipients"], nin);
          erased = result?.erased ?? 0;
          return result ? { ...current, recipients: result.rows } : undefined;
        },
        "order",
        this.clock,
      );
      if (!changed) continue;
      report.recipientRows += erased;
      const orderId = String(doc["docType"] === "order" ? doc.id : doc["orderId"]);
      if (!report.orderIds.includes(orderId)) report.orderIds.push(orderId);
    }

    // Notifications: their addresses are what the feed shows, so they are collected first.
    const addresses = new Set<string>();
    const sent = await query(
      notifications,
      "SELECT * FROM c WHERE c.recipient.nationalIdentityNumber = @nin",
      nin,
      "notifications",
    );
    for (const doc of sent) {
      const parsed = notificationSchema.safeParse(doc);
      if (!parsed.success) continue;
      if (parsed.data.recipient.address) addresses.add(parsed.data.recipient.address);
      const changed = await replaceWith(
        notifications,
        doc,
        parsed.data.orderId,
        (current) => anonymisedNotification(current, (r) => r.nationalIdentityNumber === nin),
        "notification",
        this.clock,
      );
      if (changed) report.notifications += 1;
    }
    report.notifications += await this.anonymiseAsUser(registry, notifications, nin, addresses);

    report.statusFeedEntries = await this.blankFeedDestinations(feed, addresses);
    report.webhookDeliveries = await this.blankWebhookDestinations(webhooks, addresses);
    report.registry = await this.eraseRegistry(registry, nin);
    return report;
  }

  /**
   * An organisation's order reaches its users at the contact points they registered for it, under the
   * organisation's number, not the person's: those notifications are found by organisation and address, from
   * the person's user contact points in the register copy (read before it is erased).
   */
  private async anonymiseAsUser(
    registry: Container,
    notifications: Container,
    nin: string,
    addresses: Set<string>,
  ): Promise<number> {
    let changed = 0;
    const points = await query(
      registry,
      "SELECT * FROM c WHERE c.type = 'userContactPoint' AND c.nationalIdentityNumber = @nin",
      nin,
      "user contact points",
    );
    for (const point of points) {
      const parsed = userContactPointSchema.safeParse(point);
      if (!parsed.success) continue;
      const organization = parsed.data.organizationNumber;
      // As contact lookup writes them: the email trimmed, the mobile number in E.164.
      const email = parsed.data.email?.trim();
      const mobile = parsed.data.mobileNumber ? normalizeMobileNumber(parsed.data.mobileNumber) : undefined;
      for (const address of [email, mobile]) {
        if (!address) continue;
        const sent = await queryWith(
          notifications,
          "SELECT * FROM c WHERE c.recipient.organizationNumber = @org AND c.recipient.address = @address",
          [
            { name: "@org", value: organization },
            { name: "@address", value: address },
          ],
          "notifications to an organisation's user",
        );
        for (const doc of sent) {
          const notification = notificationSchema.safeParse(doc);
          if (!notification.success) continue;
          const done = await replaceWith(
            notifications,
            doc,
            notification.data.orderId,
            (current) =>
              anonymisedNotification(
                current,
                (r) => r.organizationNumber === organization && r.address === address,
              ),
            "notification",
            this.clock,
          );
          if (done) {
            changed += 1;
            addresses.add(address);
          }
        }
      }
    }
    return changed;
  }

  private async blankFeedDestinations(feed: Container, addresses: Set<string>): Promise<number> {
    let changed = 0;
    for (const address of addresses) {
      const entries = await addressQuery(
        feed,
        "SELECT * FROM c WHERE c.docType = 'entry' AND ARRAY_CONTAINS(c.recipients, {'destination': @address}, true)",
        address,
        "status feed entries",
      );
      for (const entry of entries) {
        const parsed = feedEntrySchema.safeParse(entry);
        if (!parsed.success) continue;
        const done = await replaceWith(
          feed,
          entry,
          parsed.data.creator,
          (current) => {
            const rows = feedEntrySchema.safeParse(current);
            if (!rows.success) return undefined;
            return { ...current, recipients: withBlankDestination(rows.data.recipients, address) };
          },
          "status feed entry",
          this.clock,
        );
        if (done) changed += 1;
      }
    }
    return changed;
  }

  /** Deliveries copy feed entries to a subscriber: the same addresses are blanked there, sent or not. */
  private async blankWebhookDestinations(webhooks: Container, addresses: Set<string>): Promise<number> {
    let changed = 0;
    for (const address of addresses) {
      const deliveries = await addressQuery(
        webhooks,
        "SELECT * FROM c WHERE c.docType = 'delivery' AND (c.payload.data.destination = @address OR ARRAY_CONTAINS(c.payload.data.recipients, {'destination': @address}, true))",
        address,
        "webhook deliveries",
      );
      for (const delivery of deliveries) {
        const parsed = webhookDeliverySchema.safeParse(delivery);
        if (!parsed.success) continue;
        const done = await replaceWith(
          webhooks,
          delivery,
          parsed.data.pk,
          (current) => withoutAddress(current, address),
          "webhook delivery",
          this.clock,
        );
        if (done) changed += 1;
      }
    }
    return changed;
  }

  private async eraseRegistry(registry: Container, nin: string): Promise<ErasureReport["registry"]> {
    const counts = { persons: 0, userContactPoints: 0, roleAssignments: 0 };
    const personId = personDocumentId(nin);
    try {
      await registry.item(personId, personId).delete();
      counts.persons = 1;
    } catch (error) {
      if (!isCosmosStatus(error, 404)) throw mapCosmosError(error, "erasure: delete person");
    }
    const linked = await query(
      registry,
      "SELECT c.id, c.pk, c.type FROM c WHERE c.nationalIdentityNumber = @nin AND (c.type = 'userContactPoint' OR c.type = 'roleAssignment')",
      nin,
      "register entries",
    );
    for (const doc of linked) {
      try {
        await registry.item(doc.id, String(doc["pk"])).delete();
      } catch (error) {
        if (isCosmosStatus(error, 404)) continue;
        throw mapCosmosError(error, "erasure: delete register entry");
      }
      if (doc["type"] === "roleAssignment") counts.roleAssignments += 1;
      else counts.userContactPoints += 1;
    }
    return counts;
  }
}
