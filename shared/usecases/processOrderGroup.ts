import { mapInParallel } from "../concurrency";
import { raiseFailures } from "../errors";
import type { ProcessOrderGroupMessage } from "../queue/messages";
import { expandOrder, type ProcessDeps } from "./steps/expandOrder";
import { PlannedSends } from "./steps/planSends";

/** Orders of a group expanded at once (register reads and store writes overlap). */
const orderConcurrency = 8;

type Expanded = { finish?: () => Promise<void> } | { error: unknown };

/**
 * Queue job: turns many released orders into notifications in one invocation, so their single sends share
 * send messages (up to `maxSendsPerMessage` each) instead of costing a message each. Every order is expanded,
 * then all sends are published, then each order moves on, so an order is never Processed before its sends
 * are on their way. One order's failure holds back none of the others: they finish, and the failure is
 * raised last, so a redelivery finds only the failed ones still Processing.
 */
export async function processOrderGroup(deps: ProcessDeps, message: ProcessOrderGroupMessage): Promise<void> {
  const sends = new PlannedSends();
  const expanded = await mapInParallel(
    message.orderIds,
    orderConcurrency,
    async (orderId): Promise<Expanded> => {
      try {
        return { finish: await expandOrder(deps, { orderId, conditionAttempt: 1 }, sends) };
      } catch (error) {
        return { error };
      }
    },
  );
  await sends.publish(deps);
  const failures: unknown[] = [];
  for (const outcome of expanded) {
    if ("error" in outcome) failures.push(outcome.error);
    else await outcome.finish?.().catch((error: unknown) => failures.push(error));
  }
  raiseFailures(failures);
}
