import { mapInParallel } from "../concurrency";
import { IsolatedFailures } from "../errors";
import type { ProcessOrderGroupMessage } from "../queue/messages";
import { expandOrder, type ProcessDeps } from "./steps/expandOrder";
import { PlannedSends } from "./steps/planSends";
import { sendCreatedClaimed } from "./steps/sendEach";

/** Orders of a group expanded at once (register reads and store writes overlap). */
const orderConcurrency = 8;

/**
 * Queue job: turns many released orders into notifications in one invocation, so their single sends share
 * send messages (up to `maxSendsPerMessage` each) instead of costing a message each. Every order is expanded,
 * then all sends are published (those due now sent by this job itself, see `claimDueNow`), then each order
 * moves on, so an order is never Processed before its sends are on their way. One order's failure holds back
 * none of the others: they finish, and the failure is raised last, so a redelivery finds only the failed ones
 * still to process.
 */
export async function processOrderGroup(deps: ProcessDeps, message: ProcessOrderGroupMessage): Promise<void> {
  const sends = new PlannedSends();
  const failures = new IsolatedFailures();
  const finishes = await mapInParallel(
    message.orderIds,
    orderConcurrency,
    failures.isolate((orderId: string) => expandOrder(deps, { orderId, conditionAttempt: 1 }, sends)),
  );
  await sends.publish(deps);
  await sendCreatedClaimed(deps, sends.takeCreatedClaimed(), failures);
  const finishOne = failures.isolate(async (finish: (() => Promise<void>) | undefined) => finish?.());
  for (const finish of finishes) await finishOne(finish);
  failures.raise();
}
