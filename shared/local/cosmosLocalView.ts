import type { Container, Database } from "@azure/cosmos";
import { z } from "zod";
import { storedTraceparentSchema } from "../domain/order";
import { emailResults, smsResults } from "../domain/statuses";
import { containers } from "../platform/resources";
import { mapCosmosError } from "../adapters/cosmos/errors";

const orderRowSchema = z.object({
  id: z.string(),
  creator: z.string(),
  type: z.string(),
  sendersReference: z.string().optional(),
  status: z.string(),
  created: z.string(),
  requestedSendTime: z.string(),
  traceparent: storedTraceparentSchema,
});

const notificationRowSchema = z.intersection(
  z.object({
    id: z.string(),
    orderId: z.string(),
    statusChangedAt: z.string(),
    reference: z.string().optional(),
    holdsOrderStatus: z.boolean().optional(),
    recipient: z.object({ address: z.string().optional() }).loose(),
  }),
  z.discriminatedUnion("channel", [
    z.object({ channel: z.literal("email"), status: z.enum(emailResults) }),
    z.object({ channel: z.literal("sms"), status: z.enum(smsResults) }),
  ]),
);

const feedRowSchema = z.object({
  sequenceNumber: z.number(),
  creator: z.string(),
  shipmentId: z.string(),
  sendersReference: z.string().optional(),
  status: z.string(),
  lastUpdate: z.string(),
  created: z.string(),
});

const referenceRowSchema = z.object({
  provider: z.enum(["acs", "link"]),
  reference: z.string(),
  orderId: z.string(),
  notificationId: z.string(),
});

export interface LocalView {
  orders: Array<z.infer<typeof orderRowSchema>>;
  notifications: Array<z.infer<typeof notificationRowSchema>>;
  feed: Array<z.infer<typeof feedRowSchema>>;
  references: Array<z.infer<typeof referenceRowSchema>>;
}

/** The newest documents of a container that match the schema (others, such as markers, are left out). */
async function newest<T>(container: Container, filter: string, schema: z.ZodType<T>, limit: number) {
  try {
    const { resources } = await container.items
      .query<unknown>(`SELECT * FROM c ${filter}`, { maxItemCount: limit })
      .fetchAll();
    const rows: T[] = [];
    for (const resource of resources) {
      const parsed = schema.safeParse(resource);
      if (parsed.success) rows.push(parsed.data);
    }
    return rows.slice(-limit);
  } catch (error) {
    throw mapCosmosError(error, `read ${container.id} for the local page`);
  }
}

/**
 * Local mode only: what the local page shows about orders, read across partitions (fine for a developer's
 * few thousand documents, never on Azure).
 */
export async function readLocalView(database: Database, limit = 2000): Promise<LocalView> {
  const container = (key: keyof typeof containers) => database.container(containers[key].name);
  const [orders, notifications, feed, references] = await Promise.all([
    newest(container("orders"), "WHERE c.docType = 'order'", orderRowSchema, limit),
    newest(container("notifications"), "", notificationRowSchema, limit * 4),
    newest(container("statusFeed"), "WHERE IS_DEFINED(c.sequenceNumber)", feedRowSchema, limit * 4),
    newest(container("deliveryReferences"), "", referenceRowSchema, limit * 4),
  ]);
  return { orders, notifications, feed, references };
}
