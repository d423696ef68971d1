import { z } from "zod";
import { processOrderMessageSchema, sendMessageSchema } from "./messages";
import { applyDeliveryReports } from "../usecases/applyDeliveryReport";
import { processOrder } from "../usecases/processOrder";
import { processOrderGroup } from "../usecases/processOrderGroup";
import { sendBatch } from "../usecases/sendBatch";
import { sendNotification } from "../usecases/sendNotification";
import { sendNotificationGroup } from "../usecases/sendNotificationGroup";
import { sweepOrders, type SweepSummary } from "../usecases/sweepOrders";
import { terminateExpired } from "../usecases/terminateExpired";
import { recordTimerWork } from "../telemetry/queueEdge";
import { queueBatchJob, queueJob, timerJob } from "./handlers";

/** One log line of what a sweep did, naming every document it set aside and why (ids only, never PII). */
function describeSweep(s: SweepSummary): string | undefined {
  const parts = [
    s.released > 0 ? `released ${s.released} due order(s)` : "",
    s.recovered > 0 ? `released ${s.recovered} order(s) again after their lease ran out` : "",
    s.watched > 0 ? `watched ${s.watched} sent order(s) still waiting for their report` : "",
    s.resent > 0 ? `re-published ${s.resent} overdue send(s)` : "",
    s.completed > 0 ? `completed ${s.completed} order(s)` : "",
    ...s.quarantined.map((q) => `quarantined unreadable ${q.kind} ${q.id} (${q.problem})`),
    ...s.failed.map((f) => `order ${f.orderId} failed and stays due: ${f.problem}`),
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export const sweepOrdersJob = timerJob(async (deps) => {
  const summary = await sweepOrders(deps);
  recordTimerWork("sweepOrders", {
    released: summary.released,
    recovered: summary.recovered,
    watched: summary.watched,
    resent: summary.resent,
    completed: summary.completed,
    quarantined: summary.quarantined.length,
    failed: summary.failed.length,
  });
  return describeSweep(summary);
});

export const terminateExpiredJob = timerJob(async (deps) => {
  const { terminated, quarantined } = await terminateExpired(deps);
  recordTimerWork("terminateExpired", { terminated, quarantined: quarantined.length });
  const parts = [
    terminated > 0 ? `terminated ${terminated} expired notification(s)` : "",
    ...quarantined.map((q) => `quarantined unreadable notification ${q.id} (${q.problem})`),
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join("; ") : undefined;
});

export const processOrderJob = queueJob(processOrderMessageSchema, (message, deps) =>
  "orderIds" in message ? processOrderGroup(deps, message) : processOrder(deps, message),
);

/** Serves both send queues: one notification, a batch or a group; the documents say whether email or SMS. */
export const sendNotificationJob = queueJob(sendMessageSchema, (message, deps) =>
  "sends" in message
    ? sendNotificationGroup(deps, message)
    : "batchId" in message
      ? sendBatch(deps, message)
      : sendNotification(deps, message),
);

/**
 * Event Grid events and our own report envelopes share the queue; the use case tells them apart. Reports
 * come in batches, so a burst of them is read and written in bulk.
 */
export const applyDeliveryReportJob = queueBatchJob(z.unknown(), (messages, deps) =>
  applyDeliveryReports(deps, messages),
);
