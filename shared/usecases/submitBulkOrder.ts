import type { BulkOrderDocument } from "../domain/bulkOrder";
import type { NewOrder } from "../domain/order";
import { bulkLimits } from "../domain/requests/bulkOrder";
import { AppError, isAppError } from "../errors";
import type { BulkOrders } from "../ports/bulkOrders";
import type { Clock } from "../ports/clock";
import type { OrderStore } from "../ports/orderStore";
import { getTenantBulkOrder } from "./registerBulkOrder";

/**
 * The recipients of the uploaded parts, if they make one list: parts 1 to n all accepted, none still being
 * uploaded, every part but the last full (the list has no gaps: part n starts at (n − 1) × 100,000).
 */
export function recipientCountOf(stored: BulkOrderDocument): number {
  const numbers = Object.keys(stored.parts)
    .map(Number)
    .sort((a, b) => a - b);
  if (numbers.length === 0) throw new AppError("conflict", "No part has been uploaded.");
  let count = 0;
  numbers.forEach((number, position) => {
    const part = stored.parts[String(number)];
    if (number !== position + 1)
      throw new AppError("conflict", `Part ${position + 1} has not been uploaded.`);
    if (part?.status !== "Accepted")
      throw new AppError("conflict", `Part ${number} is still being uploaded.`);
    const last = position === numbers.length - 1;
    if (!last && part.recipients !== bulkLimits.partRecipients) {
      throw new AppError(
        "conflict",
        `Part ${number} holds ${part.recipients} recipients: every part but the last must hold ${bulkLimits.partRecipients}.`,
      );
    }
    count += part.recipients;
  });
  return count;
}

/** The order a submitted bulk order becomes: its recipients beside it, released at its requested send time. */
export function orderOfBulk(stored: BulkOrderDocument, recipientCount: number, now: Date): NewOrder {
  return {
    ...stored.draft,
    id: stored.orderId,
    creator: stored.creator,
    api: "v2",
    type: "Notification",
    created: stored.created,
    recipients: [],
    recipientCount,
    status: "Registered",
    statusChangedAt: now.toISOString(),
    releaseCount: 0,
  };
}

/**
 * Submits a bulk order: no part can be uploaded after it. The bulk order is marked Submitted first and the
 * order document created after (create-if-absent), so a submission that stopped in between is finished by
 * the client's retry, and no part can be accepted after the recipient count was fixed. Submitting again is
 * answered the same way.
 */
export async function submitBulkOrder(
  deps: { bulkOrders: BulkOrders; orders: OrderStore; clock: Clock },
  tenant: string,
  orderId: string,
): Promise<NewOrder> {
  for (let attempt = 0; ; attempt += 1) {
    let stored = await getTenantBulkOrder(deps.bulkOrders, tenant, orderId);
    if (stored.state === "Cancelled") throw new AppError("conflict", "The bulk order is cancelled.");
    if (stored.state === "Open") {
      const recipientCount = recipientCountOf(stored);
      try {
        stored = await deps.bulkOrders.update(stored, { state: "Submitted", recipientCount });
      } catch (error) {
        // Another part's upload or a second submission wrote it meanwhile: look again.
        if (isAppError(error, "conflict") && attempt < 20) continue;
        throw error;
      }
    }
    const order = orderOfBulk(stored, stored.recipientCount ?? 0, deps.clock.now());
    await deps.orders.createOrder(order);
    return order;
  }
}
