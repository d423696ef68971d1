import type { ReportEnvelope } from "../queue/messages";
import { applyDeliveryReport, type ReportDeps } from "./applyDeliveryReport";

/**
 * A delivery report a provider posted, applied before the provider is answered: once acknowledged, a report
 * is in the store (or, arriving before its send was recorded, on its retry schedule), so no lost queue
 * message can lose it; a store failure fails the call and the provider posts it again.
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
  await applyDeliveryReport(deps, envelope, undefined);
}
