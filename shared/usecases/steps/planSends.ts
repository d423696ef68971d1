import { chunksOf } from "../../chunks";
import { digestOf } from "../../domain/deterministicIds";
import { sendQueueOf, type Lane } from "../../domain/lanes";
import { maxBatchSize, minBatchSize, type NewSendBatch } from "../../domain/sendBatch";
import type { OrderDocument } from "../../domain/order";
import type { NotificationDocument } from "../../domain/notification";
import type { NewNotification } from "../../ports/notificationStore";
import type { QueueKey } from "../../platform/resources";
import type { OutgoingMessage, Publisher } from "../../ports/publisher";
import { maxSendsPerMessage } from "../../queue/messages";

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
      chunksOf(group, maxBatchSize).forEach((members, chunkIndex) => {
        const [firstMember] = members;
        if (!firstMember) return;
        const id = `${order.id}:batch:${step}:${groupIndex}:${chunkIndex}`;
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
      });
    });
  return {
    notifications: notifications.map((n) => {
      const batchId = batchOf.get(n.id);
      return batchId ? { ...n, batchId } : n;
    }),
    batches,
  };
}

/**
 * A small order's single sends that may go out now, created already claimed (Sending): the processing step
 * sends them itself once every order of its message is planned (`PlannedSends.takeCreatedClaimed`), with no
 * send message and no claim write of their own. Batched, scheduled and expired ones are left as planned.
 */
export function claimDueNow(plan: SendPlan, now: Date): SendPlan {
  const at = now.toISOString();
  return {
    ...plan,
    notifications: plan.notifications.map((n) =>
      n.status === "New" && !n.batchId && n.sendAfter <= at && n.expiry > at
        ? { ...n, status: "Sending", statusChangedAt: at }
        : n,
    ),
  };
}

const scheduled = (sendAfter: string, now: Date) =>
  Date.parse(sendAfter) > now.getTime() ? { scheduledEnqueueTime: new Date(sendAfter) } : {};

interface SingleSend {
  orderId: string;
  notificationId: string;
  scheduledEnqueueTime?: Date;
}

/**
 * The sends that processing steps planned, published together: batches one message each, and single sends of
 * however many orders `maxSendsPerMessage` to a message per queue and send time. A message of one send keeps
 * the single-send form.
 */
export class PlannedSends {
  private readonly batches = new Map<QueueKey, OutgoingMessage[]>();
  private readonly singles = new Map<string, { queue: QueueKey; sends: SingleSend[] }>();
  private createdClaimed: NotificationDocument[] = [];

  /**
   * Adds a step's sends once its notifications are stored; `created` are those the store created (with
   * their ETags). A send claimed at planning (`claimDueNow`) that this step created is kept for the step to
   * send; one that existed already (an earlier delivery of the step) goes by a send message, which finds it
   * as it is: still New, taken, or done.
   */
  add(plan: SendPlan, lane: Lane, now: Date, created: NotificationDocument[] = []): void {
    const createdById = new Map(created.map((n) => [n.id, n]));
    for (const n of plan.notifications) {
      if (n.batchId) continue;
      const claimed = n.status === "Sending" ? createdById.get(n.id) : undefined;
      if (claimed) {
        this.createdClaimed.push(claimed);
        continue;
      }
      if (n.status !== "New" && n.status !== "Sending") continue;
      const when = scheduled(n.sendAfter, now);
      const queue = sendQueueOf(lane, n.channel);
      const key = `${queue}|${when.scheduledEnqueueTime?.toISOString() ?? ""}`;
      const group = this.singles.get(key) ?? { queue, sends: [] };
      group.sends.push({ orderId: n.orderId, notificationId: n.id, ...when });
      this.singles.set(key, group);
    }
    for (const b of plan.batches) {
      const queue = sendQueueOf(lane, b.channel);
      const list = this.batches.get(queue) ?? [];
      list.push({
        messageId: `batch:${b.id}:0`,
        body: { orderId: b.orderId, batchId: b.id },
        correlationId: b.orderId,
        ...scheduled(b.sendAfter, now),
      });
      this.batches.set(queue, list);
    }
  }

  /** The sends created claimed since the last call, for the caller to send (`sendCreatedClaimed`). */
  takeCreatedClaimed(): NotificationDocument[] {
    const taken = this.createdClaimed;
    this.createdClaimed = [];
    return taken;
  }

  /** Publishes what was added since the last call. */
  async publish(deps: { publisher: Publisher }): Promise<void> {
    const messages = new Map<QueueKey, OutgoingMessage[]>(this.batches);
    for (const { queue, sends } of this.singles.values()) {
      const list = messages.get(queue) ?? [];
      list.push(...chunksOf(sends, maxSendsPerMessage).map((chunk) => singleSendMessage(chunk)));
      messages.set(queue, list);
    }
    this.batches.clear();
    this.singles.clear();
    for (const [queue, list] of messages) await deps.publisher.publish(queue, list);
  }
}

function singleSendMessage(sends: SingleSend[]): OutgoingMessage {
  const [first] = sends;
  if (!first) throw new Error("a send message needs at least one send");
  const when = first.scheduledEnqueueTime ? { scheduledEnqueueTime: first.scheduledEnqueueTime } : {};
  if (sends.length === 1)
    return {
      messageId: `send:${first.notificationId}`,
      body: { orderId: first.orderId, notificationId: first.notificationId },
      correlationId: first.orderId,
      ...when,
    };
  return {
    messageId: `sends:${digestOf(sends.map((s) => s.notificationId))}`,
    body: { sends: sends.map(({ orderId, notificationId }) => ({ orderId, notificationId })) },
    ...when,
  };
}
