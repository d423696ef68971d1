import type { ProcessOrderMessage } from "../queue/messages";
import { expandOrder, type ProcessDeps } from "./steps/expandOrder";
import { PlannedSends } from "./steps/planSends";

/**
 * Queue job: turns one released order (or the next slice of a large one) into notifications, publishes
 * their sends and then moves the order on (see `expandOrder`).
 */
export async function processOrder(deps: ProcessDeps, message: ProcessOrderMessage): Promise<void> {
  const sends = new PlannedSends();
  const finish = await expandOrder(deps, message, sends);
  await sends.publish(deps);
  await finish?.();
}
