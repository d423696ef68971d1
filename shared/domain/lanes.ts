import type { QueueKey } from "../platform/resources";
import type { OrderDocument } from "./order";

/**
 * Orders with more recipients than this travel in the bulk lane. It is the size up to which an order lists its
 * notification ids: beyond it an order is a mass notification, handled in slices and completed by the sweeper.
 */
export const maxPriorityLaneRecipients = 100;

/**
 * Two lanes through the pipeline: `priority` for instant orders and ordinary orders, `bulk` for large orders.
 * Each lane has its own queues and functions, so a bulk fan-out of hundreds of thousands of sends never
 * stands in front of a single order due now.
 */
export type Lane = "priority" | "bulk";

/** The one rule that picks an order's lane: a large order (recipients kept beside it, or many) is bulk. */
export function laneOf(order: Pick<OrderDocument, "recipients" | "recipientCount">): Lane {
  return order.recipientCount !== undefined || order.recipients.length > maxPriorityLaneRecipients
    ? "bulk"
    : "priority";
}

const laneQueues = {
  priority: { process: "processOrder", email: "sendEmail", sms: "sendSms" },
  bulk: { process: "processOrderBulk", email: "sendEmailBulk", sms: "sendSmsBulk" },
} as const satisfies Record<Lane, Record<"process" | "email" | "sms", QueueKey>>;

/** The queue that carries the order's process messages (its release and each further fan-out slice). */
export function processQueueOf(lane: Lane): QueueKey {
  return laneQueues[lane].process;
}

/** The queue that carries the order's sends on one channel, single and batched. */
export function sendQueueOf(lane: Lane, channel: "email" | "sms"): QueueKey {
  return laneQueues[lane][channel];
}
