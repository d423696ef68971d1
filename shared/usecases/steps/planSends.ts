import { sendQueueOf, type Lane } from "../../domain/lanes";
import { maxBatchSize, minBatchSize, type NewSendBatch } from "../../domain/sendBatch";
import type { OrderDocument } from "../../domain/order";
import type { NewNotification } from "../../ports/notificationStore";
import type { Publisher } from "../../ports/publisher";

interface SendPlan {
  /** Every notification of the step; those sent in a batch carry its id. */
  notifications: NewNotification[];
  batches: NewSendBatch[];
}

/**
 * Groups a fan-out step's new sends by channel, send time and policy. A group of at least `minBatchSize`
 * goes in batches of up to `maxBatchSize`, each sent by one message; smaller groups go one message per
 * notification. Batch ids derive from the order, the step's first recipient and the group, so a resumed
 * step names the same batches.
 */
export function planSends(
  order: OrderDocument,
  notifications: NewNotification[],
  step: number,
  now: Date,
): SendPlan {
  const groups = new Map<string, NewNotification[]>();
  for (const n of notifications) {
    if (n.status !== "New") continue;
    const key = `${n.channel}|${n.sendAfter}|${n.sendingTimePolicy}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const batchOf = new Map<string, string>();
  const batches: NewSendBatch[] = [];
  [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .forEach(([, group], groupIndex) => {
      if (group.length < minBatchSize) return;
      for (let start = 0; start < group.length; start += maxBatchSize) {
        const members = group.slice(start, start + maxBatchSize);
        const [firstMember] = members;
        if (!firstMember) continue;
        const id = `${order.id}:batch:${step}:${groupIndex}:${start / maxBatchSize}`;
        for (const member of members) batchOf.set(member.id, id);
        batches.push({
          id,
          orderId: order.id,
          creator: order.creator,
          channel: firstMember.channel,
          notificationIds: members.map((m) => m.id),
          sendAfter: firstMember.sendAfter,
          sendingTimePolicy: firstMember.sendingTimePolicy,
          status: "Pending",
          statusChangedAt: now.toISOString(),
          attempts: 0,
        });
      }
    });
  return {
    notifications: notifications.map((n) => {
      const batchId = batchOf.get(n.id);
      return batchId ? { ...n, batchId } : n;
    }),
    batches,
  };
}

const scheduled = (sendAfter: string, now: Date) =>
  Date.parse(sendAfter) > now.getTime() ? { scheduledEnqueueTime: new Date(sendAfter) } : {};

/** One message per batch, and one per notification sent on its own, on the order's lane. */
export async function publishSends(
  deps: { publisher: Publisher },
  plan: SendPlan,
  lane: Lane,
  now: Date,
): Promise<void> {
  for (const channel of ["email", "sms"] as const) {
    const singles = plan.notifications.filter(
      (n) => n.channel === channel && n.status === "New" && !n.batchId,
    );
    const batches = plan.batches.filter((b) => b.channel === channel);
    const messages = [
      ...singles.map((n) => ({
        messageId: `send:${n.id}`,
        body: { orderId: n.orderId, notificationId: n.id },
        correlationId: n.orderId,
        ...scheduled(n.sendAfter, now),
      })),
      ...batches.map((b) => ({
        messageId: `batch:${b.id}:0`,
        body: { orderId: b.orderId, batchId: b.id },
        correlationId: b.orderId,
        ...scheduled(b.sendAfter, now),
      })),
    ];
    if (messages.length > 0) await deps.publisher.publish(sendQueueOf(lane, channel), messages);
  }
}
