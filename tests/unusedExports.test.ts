import { describe, expect, it } from "vitest";
import { unusedExports } from "./support/exportGraph";

// Use cases being split while this check arrived (2026-12-05); whoever finishes them un-exports these.
const pending = new Set([
  "shared/usecases/cancelOrder.ts: cancelCutoffMs",
  "shared/usecases/cancelOrder.ts: CancelOutcome",
  "shared/usecases/processOrder.ts: ProcessDeps",
  "shared/usecases/processOrder.ts: conditionRetryDelayMs",
  "shared/usecases/redeliverWebhook.ts: maxRedeliveries",
  "shared/usecases/registerWebhookSubscription.ts: maxSubscriptionsPerTenant",
  "shared/usecases/registerWebhookSubscription.ts: RegisterWebhookDeps",
  "shared/usecases/sendInstant.ts: InstantDeps",
  "shared/usecases/sendInstant.ts: InstantResult",
  "shared/usecases/submitBulkOrder.ts: recipientCountOf",
  "shared/usecases/submitBulkOrder.ts: orderOfBulk",
  "shared/usecases/submitBulkOrder.ts: SubmitQuota",
  "shared/usecases/submitBulkOrder.ts: SubmitOutcome",
  "shared/usecases/uploadBulkPart.ts: UploadedLine",
  "shared/usecases/uploadBulkPart.ts: LineError",
  "shared/usecases/uploadBulkPart.ts: UploadDeps",
  "shared/usecases/uploadBulkPart.ts: UploadRequest",
  "shared/usecases/uploadBulkPart.ts: partLeaseMs",
  "shared/usecases/viewBulkOrder.ts: progressCountsMaxAgeMs",
]);

describe("production exports", () => {
  // An export nothing imports is dead code, or a file-local helper that says more than it should.
  it("are each imported by another file, a test, a bench script or the host", () => {
    expect(unusedExports().filter((entry) => !pending.has(entry))).toEqual([]);
  });
});
