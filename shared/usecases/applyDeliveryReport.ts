import { createHash } from "node:crypto";
import { reportEnvelopeSchema, type ReportEnvelope } from "../queue/messages";
import type { NotificationDocument } from "../domain/notification";
import { isPendingNotification } from "../domain/statuses";
import { isAppError } from "../errors";
import type { DeadDeliveryReports } from "../ports/deadDeliveryReports";
import type { DeliveryReportParser, ParsedDeliveryReport } from "../ports/deliveryReportParser";
import type { DeliveryReference, DeliveryReferenceStore } from "../ports/notificationStore";
import type { Publisher } from "../ports/publisher";
import { completeOrderIfDone } from "./steps/completeOrderIfDone";
import type { TransitionDeps } from "./steps/transitionOrder";

export interface ReportDeps extends TransitionDeps {
  references: DeliveryReferenceStore;
  deadReports: DeadDeliveryReports;
  publisher: Publisher;
  parseReport: DeliveryReportParser;
}

/** How long a report that arrived before its send result is retried (Altinn: about five minutes). */
const earlyReportRetryMs = 5 * 60_000;
const retryDelaysMs = [5_000, 15_000, 30_000] as const;
/** Every retry after the listed ones waits this long. */
const lastRetryDelayMs = 60_000;

function reportId(report: ParsedDeliveryReport): string {
  return createHash("sha256").update(JSON.stringify(report.raw)).digest("hex").slice(0, 32);
}

async function saveDead(
  deps: ReportDeps,
  report: ParsedDeliveryReport,
  reason: "NOTIFICATION_EXPIRED" | "RETRY_THRESHOLD_EXCEEDED" | "INVALID_REPORT",
  firstSeen: string,
) {
  await deps.deadReports.save({
    id: reportId(report),
    channel: report.provider === "acs" ? "email" : "sms",
    reason,
    payload: report.raw,
    firstSeen,
    lastAttempt: deps.clock.now().toISOString(),
    resolved: false,
  });
}

async function retryLater(
  deps: ReportDeps,
  report: ParsedDeliveryReport & { valid: true },
  envelope: ReportEnvelope["varselReport"],
) {
  const attempt = envelope.attempt + 1;
  const delay = retryDelaysMs[attempt - 1] ?? lastRetryDelayMs;
  await deps.publisher.publish("deliveryReports", [
    {
      messageId: `report:${report.provider}:${report.reference}:${attempt}`,
      body: { varselReport: { ...envelope, attempt, payload: report.raw } },
      scheduledEnqueueTime: new Date(deps.clock.now().getTime() + delay),
    },
  ]);
}

/** Applies one report on its own; returns the notification whose order to check for completion, if any. */
async function applyOne(deps: ReportDeps, received: Received): Promise<NotificationDocument | undefined> {
  const { report, envelope } = received;
  const now = deps.clock.now();
  const notification = (await notificationsOf(deps, [received])).get(
    referenceKey(report.provider, report.reference),
  );
  if (!notification) {
    if (now.getTime() - Date.parse(envelope.firstSeen) >= earlyReportRetryMs) {
      await saveDead(deps, report, "RETRY_THRESHOLD_EXCEEDED", envelope.firstSeen);
    } else {
      await retryLater(deps, report, envelope);
    }
    return undefined;
  }
  if (Date.parse(notification.expiry) < now.getTime()) {
    await saveDead(deps, report, "NOTIFICATION_EXPIRED", envelope.firstSeen);
    return undefined;
  }
  for (
    let current: NotificationDocument | undefined = notification;
    current && isPendingNotification(current);
  ) {
    try {
      await deps.notifications.update(current, {
        status: report.status,
        deliveryReport: report.raw,
        statusChangedAt: now.toISOString(),
      });
      return current.completedBySweeper ? undefined : current;
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
      current = await deps.notifications.get(current.orderId, current.id);
    }
  }
  return undefined;
}

/** One queue message (or HTTP body) of reports, with when the broker first took it. */
export interface ReportDelivery {
  message: unknown;
  enqueuedTime: Date | undefined;
}

type ValidReport = ParsedDeliveryReport & { valid: true };
type Received = { report: ValidReport; envelope: ReportEnvelope["varselReport"] };

function envelopeOf(deps: ReportDeps, delivery: ReportDelivery): ReportEnvelope["varselReport"] {
  const wrapped = reportEnvelopeSchema.safeParse(delivery.message);
  return wrapped.success
    ? wrapped.data.varselReport
    : {
        provider: "acs",
        firstSeen: (delivery.enqueuedTime ?? deps.clock.now()).toISOString(),
        attempt: 0,
        payload: delivery.message,
      };
}

const referenceKey = (provider: string, reference: string) => `${provider}:${reference}`;

type ReportKey = { provider: DeliveryReference["provider"]; reference: string };

/**
 * Where the reports' notifications are that the query by gateway reference did not find: stored references
 * (an email's operation id; an SMS sent before SMS needed none), and for an ACS report without one, the email
 * named by its order (`isNamedByItsOrder`), whose operation id is both its order's id and its own.
 */
async function locate(deps: ReportDeps, keys: ReportKey[]): Promise<DeliveryReference[]> {
  if (keys.length === 0) return [];
  const stored = await deps.references.getMany(keys);
  const found = new Set(stored.map((r) => referenceKey(r.provider, r.reference)));
  const namedByOrder = keys
    .filter((k) => k.provider === "acs" && !found.has(referenceKey(k.provider, k.reference)))
    .map((k) => ({ ...k, orderId: k.reference, notificationId: k.reference }));
  return [...stored, ...namedByOrder];
}

/**
 * The notifications the reports name, keyed by provider reference: SMS by the gateway reference their result
 * recorded, in one query; the rest by reference document, 100 to a request, then each order's notifications
 * 100 to a request.
 */
async function notificationsOf(
  deps: ReportDeps,
  received: Received[],
): Promise<Map<string, NotificationDocument>> {
  const byReference = new Map<string, NotificationDocument>();
  const gatewayReferences = received.flatMap(({ report }) =>
    report.provider === "link" ? [report.reference] : [],
  );
  for (const sms of await deps.notifications.findSmsByReferences(gatewayReferences))
    if (sms.reference !== undefined) byReference.set(referenceKey("link", sms.reference), sms);
  const references = await locate(
    deps,
    received
      .map(({ report }) => ({ provider: report.provider, reference: report.reference }))
      .filter((k) => !byReference.has(referenceKey(k.provider, k.reference))),
  );
  const idsByOrder = new Map<string, Set<string>>();
  for (const r of references)
    idsByOrder.set(r.orderId, (idsByOrder.get(r.orderId) ?? new Set()).add(r.notificationId));
  const notifications = new Map<string, NotificationDocument>();
  for (const [orderId, ids] of idsByOrder)
    for (const n of await deps.notifications.getMany(orderId, [...ids])) notifications.set(n.id, n);
  for (const r of references) {
    const notification = notifications.get(r.notificationId);
    if (notification) byReference.set(referenceKey(r.provider, r.reference), notification);
  }
  return byReference;
}

/**
 * Applies ACS (Event Grid) and LINK delivery reports by provider reference, never after the notification's
 * expiry, keeping the raw report. A report that arrives before its send result is retried on a schedule for
 * a bounded time, then kept as a dead delivery report for an operator to replay.
 *
 * Reports that arrive together (a batch of queue messages, reports posted at once) are read and written in
 * bulk: one request per 100 references, notifications and updates instead of three per report. A report that
 * meets a concurrent change, or a second report on the same notification, is applied on its own afterwards,
 * in arrival order.
 */
export async function applyDeliveryReports(deps: ReportDeps, deliveries: ReportDelivery[]): Promise<void> {
  const received: Received[] = [];
  for (const delivery of deliveries) {
    const envelope = envelopeOf(deps, delivery);
    for (const report of deps.parseReport(envelope.provider, envelope.payload, envelope.contentType)) {
      if (report.valid) received.push({ report, envelope });
      else await saveDead(deps, report, "INVALID_REPORT", envelope.firstSeen);
    }
  }
  const notifications =
    received.length > 0 ? await notificationsOf(deps, received) : new Map<string, NotificationDocument>();
  const now = deps.clock.now();
  const updates: Array<Received & { notification: NotificationDocument }> = [];
  const later: Received[] = [];
  const named = new Set<string>();
  for (const item of received) {
    const notification = notifications.get(referenceKey(item.report.provider, item.report.reference));
    if (!notification || named.has(notification.id)) {
      later.push(item);
      continue;
    }
    named.add(notification.id);
    if (Date.parse(notification.expiry) < now.getTime()) {
      await saveDead(deps, item.report, "NOTIFICATION_EXPIRED", item.envelope.firstSeen);
    } else if (isPendingNotification(notification)) {
      updates.push({ ...item, notification });
    }
  }
  const outcomes = await deps.notifications.updateMany(
    updates.map(({ notification, report }) => ({
      notification,
      changes: {
        status: report.status,
        deliveryReport: report.raw,
        statusChangedAt: now.toISOString(),
      },
    })),
  );
  // Each order to check for completion, with a notification of it that a report updated.
  const orders = new Map<string, string>();
  const conflicted = updates.filter((_, i) => outcomes[i] === "conflict");
  for (const [i, { notification }] of updates.entries())
    if (outcomes[i] !== "conflict" && !notification.completedBySweeper)
      orders.set(notification.orderId, notification.id);
  for (const item of [...conflicted, ...later]) {
    const updated = await applyOne(deps, item);
    if (updated) orders.set(updated.orderId, updated.id);
  }
  for (const [orderId, finished] of orders) await completeOrderIfDone(deps, orderId, finished);
}
