import type { z } from "zod";
import type { BulkOrderView } from "../../usecases/viewBulkOrder";
import type { bulkOrderViewSchema } from "./bulkOrderSchemas";

/** The status a bulk order shows: its own until submitted (or cancelled before), then its order's. */
function statusOf({ bulk, order }: BulkOrderView): string {
  if (bulk.state === "Open") return "Uploading";
  if (bulk.state === "Cancelled") return "Cancelled";
  return order?.status ?? "Submitted";
}

/**
 * How far the fan-out got: every recipient once the order is Processed or Completed, else its checkpoint (an
 * order cancelled or stopped by its send condition keeps where it stopped).
 */
function processedOf({ bulk, order }: BulkOrderView): number {
  const count = bulk.recipientCount ?? 0;
  if (!order) return 0;
  if (order.status === "Processed" || order.status === "Completed") return count;
  return Math.min(count, order.fanout?.nextRecipient ?? 0);
}

/** `GET future/orders/bulk/{id}`: the order's parts, and once submitted how far it has come. */
export function bulkOrderView(
  view: BulkOrderView,
  links: { self: string; shipment: string },
): z.output<typeof bulkOrderViewSchema> {
  const { bulk, order, notifications } = view;
  const parts = Object.entries(bulk.parts)
    .map(([number, part]) => ({
      part: Number(number),
      status: part.status,
      ...(part.status === "Accepted" ? { recipients: part.recipients } : {}),
    }))
    .sort((a, b) => a.part - b.part);
  const uploaded = parts.reduce((sum, part) => sum + (part.recipients ?? 0), 0);
  const submitted = bulk.recipientCount !== undefined;
  const processed = processedOf(view);
  return {
    notificationOrderId: bulk.orderId,
    idempotencyId: bulk.idempotencyId,
    sendersReference: bulk.draft.sendersReference,
    requestedSendTime: bulk.draft.requestedSendTime,
    created: bulk.created,
    status: statusOf(view),
    ...(order?.statusReason ? { statusReason: order.statusReason } : {}),
    parts,
    recipientsUploaded: uploaded,
    ...(submitted
      ? {
          recipientCount: bulk.recipientCount,
          recipientsProcessed: processed,
          recipientsRemaining: (bulk.recipientCount ?? 0) - processed,
        }
      : {}),
    ...(notifications ? { notifications: { ...notifications.counts, countedAt: notifications.at } } : {}),
    links: { self: links.self, ...(submitted ? { shipment: links.shipment } : {}) },
  };
}
