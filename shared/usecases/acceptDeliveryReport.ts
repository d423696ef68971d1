import { batchWhileBusy } from "../concurrency";
import type { ReportEnvelope } from "../queue/messages";
import { applyDeliveryReports, type ReportDelivery, type ReportDeps } from "./applyDeliveryReport";

/** One applier per process's dependencies, so reports posted at the same time share store requests. */
const appliers = new WeakMap<ReportDeps, (delivery: ReportDelivery) => Promise<void>>();

/**
 * A delivery report a provider posted, applied before the provider is answered: once acknowledged, a report
 * is in the store (or, arriving before its send was recorded, on its retry schedule), so no lost queue
 * message can lose it; a store failure fails the call and the provider posts it again. Reports posted while
 * others are being applied are applied together next, in bulk (LINK posts over several connections at once),
 * and each post is answered once its batch is in the store. A batch that fails is applied again report by
 * report (applying a report twice changes nothing), so only a post whose own report fails is answered 5xx.
 */
export async function acceptDeliveryReport(
  deps: ReportDeps,
  report: { provider: "link"; contentType: string | undefined; payload: string },
): Promise<void> {
  const envelope: ReportEnvelope = {
    varselReport: {
      provider: report.provider,
      firstSeen: deps.clock.now().toISOString(),
      attempt: 0,
      contentType: report.contentType,
      payload: report.payload,
    },
  };
  let apply = appliers.get(deps);
  if (!apply) {
    apply = batchWhileBusy((deliveries: ReportDelivery[]) => applyDeliveryReports(deps, deliveries));
    appliers.set(deps, apply);
  }
  await apply({ message: envelope, enqueuedTime: undefined });
}
