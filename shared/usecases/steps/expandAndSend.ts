import { mapInParallel } from "../../concurrency";
import { IsolatedFailures } from "../../errors";
import type { ProcessOrderMessage } from "../../queue/messages";
import { expandOrder, type ProcessDeps } from "./expandOrder";
import { PlannedSends } from "./planSends";
import { sendCreatedClaimed } from "./sendEach";

/** Orders expanded at once (register reads and store writes overlap). */
const orderConcurrency = 8;

/**
 * Expands released orders (`expandOrder`), then publishes all their sends, sends those due now itself (see
 * `claimDueNow`), then moves each order on, so an order is never Processed before its sends are on their way.
 * One order's failure, or a failed send, holds back none of the others: it is raised once they have finished,
 * so a redelivery finds only what failed still to do (what a failed send left claimed, the sweeper's
 * lost-send check finds).
 */
export async function expandAndSend(deps: ProcessDeps, messages: ProcessOrderMessage[]): Promise<void> {
  const sends = new PlannedSends();
  const failures = new IsolatedFailures();
  const finishes = await mapInParallel(
    messages,
    orderConcurrency,
    failures.isolate((message: ProcessOrderMessage) => expandOrder(deps, message, sends)),
  );
  await sends.publish(deps);
  await sendCreatedClaimed(deps, sends.takeCreatedClaimed(), failures);
  const finishOne = failures.isolate(async (finish: (() => Promise<void>) | undefined) => finish?.());
  for (const finish of finishes) await finishOne(finish);
  failures.raise();
}
