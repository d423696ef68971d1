import type { BulkOrderDocument } from "../domain/bulkOrder";
import { exceedsQuota } from "../domain/intakeLimits";
import type { NewOrder } from "../domain/order";
import { bulkLimits } from "../domain/requests/bulkOrder";
import { AppError, isAppError } from "../errors";
import type { BulkOrders } from "../ports/bulkOrders";
import type { NotificationQuota } from "../ports/intakeLimiter";
import type { ReleaseDeps } from "./steps/claimAndPublish";
import { releaseSoon } from "./steps/releaseIfDue";
import { bulkOrdersOf, requireBulkOrder } from "./steps/tenantScope";

/**
 * The recipients of the uploaded parts, if they make one list: parts 1 to n all accepted, none still being
 * uploaded, every part but the last full (the list has no gaps: part n starts at (n − 1) × 100,000).
 */
function recipientCountOf(stored: BulkOrderDocument): number {
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
function orderOfBulk(stored: BulkOrderDocument, recipientCount: number, now: Date): NewOrder {
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

/** The organisation's monthly quota as it applies to this submission (`limit` 0: no quota). */
interface SubmitQuota {
  month: string;
  limit: number;
}

type SubmitOutcome =
  | { kind: "submitted"; order: NewOrder }
  /** The recipients would take the month's count past the quota: nothing was submitted or counted. */
  | { kind: "over-quota"; recipientCount: number; used: number };

/**
 * Submits a bulk order: no part can be uploaded after it. The bulk order is marked Submitted first and the
 * order document created after (create-if-absent), so a submission that stopped in between is finished by
 * the client's retry, and no part can be accepted after the recipient count was fixed. Submitting again is
 * answered the same way. The recipients count against the monthly quota here, once: a bulk order is the one
 * order whose size is known before it is taken, so one that would go past the quota is refused whole. The
 * order is processed at its send time: at once when that has come (a failure of that only `warn`s, and leaves
 * the order to the sweeper).
 */
export async function submitBulkOrder(
  deps: ReleaseDeps & { bulkOrders: BulkOrders; notificationQuota: NotificationQuota },
  tenant: string,
  orderId: string,
  quota: SubmitQuota,
  warn: (message: string) => void,
): Promise<SubmitOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    let stored = await requireBulkOrder(bulkOrdersOf(deps.bulkOrders, tenant), orderId);
    if (stored.state === "Cancelled") throw new AppError("conflict", "The bulk order is cancelled.");
    if (stored.state === "Open") {
      const recipientCount = recipientCountOf(stored);
      const used = quota.limit > 0 ? await deps.notificationQuota.used(tenant, quota.month) : 0;
      if (exceedsQuota(used, recipientCount, quota.limit))
        return { kind: "over-quota", recipientCount, used };
      try {
        stored = await deps.bulkOrders.update(stored, { state: "Submitted", recipientCount });
      } catch (error) {
        // Another part's upload or a second submission wrote it meanwhile: look again.
        if (isAppError(error, "conflict") && attempt < 20) continue;
        throw error;
      }
      // Only the submission that fixed the count counts it; a retry finds the order Submitted and does not.
      await deps.notificationQuota.add(tenant, quota.month, recipientCount);
    }
    const order = orderOfBulk(stored, stored.recipientCount ?? 0, deps.clock.now());
    await deps.orders.createOrder(order);
    await releaseSoon(deps, [order], warn);
    return { kind: "submitted", order };
  }
}
