import { IsolatedFailures } from "../errors";
import type { ProcessOrderMessage } from "../queue/messages";
import { expandOrder, type ProcessDeps } from "./steps/expandOrder";
import { PlannedSends } from "./steps/planSends";
import { sendCreatedClaimed } from "./steps/sendEach";

/**
 * Queue job: turns one released order (or the next slice of a large one) into notifications, publishes
 * their sends, sends those due now itself (see `claimDueNow`) and then moves the order on (see
 * `expandOrder`). A failed send is raised once the order has moved on: what it left claimed is found by the
 * sweeper's lost-send check.
 */
export async function processOrder(deps: ProcessDeps, message: ProcessOrderMessage): Promise<void> {
  const sends = new PlannedSends();
  const failures = new IsolatedFailures();
  const finish = await expandOrder(deps, message, sends);
  await sends.publish(deps);
  await sendCreatedClaimed(deps, sends.takeCreatedClaimed(), failures);
  await finish?.();
  failures.raise();
}
