import { createHash } from "node:crypto";
import { reportEnvelopeSchema, type ReportEnvelope } from "../domain/messages";
import type { NotificationDocument } from "../domain/notification";
import { isPendingNotification } from "../domain/statuses";
import { isAppError } from "../errors";
import type { DeadDeliveryReports } from "../ports/deadDeliveryReports";
import type { DeliveryReportParser, ParsedDeliveryReport } from "../ports/deliveryReportParser";
import type { DeliveryReferenceStore } from "../ports/notificationStore";
import type { Publisher } from "../ports/publisher";
import { completeOrderIfDone } from "./completeOrderIfDone";
import type { TransitionDeps } from "./transitionOrder";

export interface ReportDeps extends TransitionDeps {
  references: DeliveryReferenceStore;
  deadReports: DeadDeliveryReports;
  publisher: Publisher;
  parseReport: DeliveryReportParser;
}

/** How long a report that arrived before its send result is retried (Altinn: about five minutes). */
export const earlyReportRetryMs = 5 * 60_000;
const retryDelaysMs = [5_000, 15_000, 30_000, 60_000];

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
  const delay = retryDelaysMs[Math.min(attempt - 1, retryDelaysMs.length - 1)]!;
  await deps.publisher.publish("deliveryReports", [
    {
      messageId: `report:${report.provider}:${report.reference}:${attempt}`,
      body: { varselReport: { ...envelope, attempt, payload: report.raw } },
      scheduledEnqueueTime: new Date(deps.clock.now().getTime() + delay),
    },
  ]);
}

/** Applies one parsed report; returns the order to check for completion when the status became final. */
async function applyOne(
  deps: ReportDeps,
  report: ParsedDeliveryReport,
  envelope: ReportEnvelope["varselReport"],
): Promise<string | undefined> {
  if (!report.valid) {
    await saveDead(deps, report, "INVALID_REPORT", envelope.firstSeen);
    return undefined;
  }
  const now = deps.clock.now();
  const reference = await deps.references.get(report.provider, report.reference);
  const notification =
    reference && (await deps.notifications.get(reference.orderId, reference.notificationId));
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
      } as Partial<NotificationDocument>);
      return current.completedBySweeper ? undefined : current.orderId;
    } catch (error) {
      if (!isAppError(error, "conflict")) throw error;
      current = await deps.notifications.get(current.orderId, current.id);
    }
  }
  return undefined;
}

/**
 * Queue job: applies ACS (Event Grid) and LINK delivery reports by provider reference, never after the
 * notification's expiry, keeping the raw report. A report that arrives before its send result is retried
 * on a schedule for a bounded time, then kept as a dead delivery report for an operator to replay.
 */
export async function applyDeliveryReport(
  deps: ReportDeps,
  message: unknown,
  enqueuedTime: Date | undefined,
): Promise<void> {
  const wrapped = reportEnvelopeSchema.safeParse(message);
  const envelope: ReportEnvelope["varselReport"] = wrapped.success
    ? wrapped.data.varselReport
    : {
        provider: "acs",
        firstSeen: (enqueuedTime ?? deps.clock.now()).toISOString(),
        attempt: 0,
        payload: message,
      };
  const reports = deps.parseReport(envelope.provider, envelope.payload, envelope.contentType);
  const orders = new Set<string>();
  for (const report of reports) {
    const orderId = await applyOne(deps, report, envelope);
    if (orderId) orders.add(orderId);
  }
  for (const orderId of orders) await completeOrderIfDone(deps, orderId);
}
