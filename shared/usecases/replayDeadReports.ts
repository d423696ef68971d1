import type { Clock } from "../ports/clock";
import type { DeadDeliveryReports, StoredDeadDeliveryReport } from "../ports/deadDeliveryReports";
import type { Publisher } from "../ports/publisher";

interface ReplayDeps {
  deadReports: DeadDeliveryReports;
  publisher: Publisher;
  clock: Clock;
}

/**
 * Operator action: puts unresolved dead delivery reports back on the delivery-report queue as if they had
 * just arrived (a fresh retry window), then marks them resolved. A report that still cannot be applied comes
 * back as a new dead report, so nothing is lost by replaying.
 */
export async function replayDeadReports(
  deps: ReplayDeps,
  limit: number,
): Promise<StoredDeadDeliveryReport[]> {
  const reports = await deps.deadReports.list(limit);
  if (reports.length === 0) return [];
  const now = deps.clock.now().toISOString();
  await deps.publisher.publish(
    "deliveryReports",
    reports.map((report) => ({
      messageId: `replay:${report.id}:${now}`,
      body: {
        varselReport: {
          provider: report.channel === "email" ? "acs" : "link",
          firstSeen: now,
          attempt: 0,
          ...(report.channel === "sms" ? { contentType: "application/xml" } : {}),
          payload: report.payload,
        },
      },
    })),
  );
  // Each is resolved only as the version replayed: one that failed again meanwhile stays for the operator.
  for (const report of reports) await deps.deadReports.markResolved(report);
  return reports;
}
