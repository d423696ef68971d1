import type { ProcessOrderMessage } from "../queue/messages";
import { expandAndSend } from "./steps/expandAndSend";
import type { ProcessDeps } from "./steps/expandOrder";

/**
 * Queue job: turns one released order (or the next slice of a large one) into notifications, publishes
 * their sends, sends those due now itself and then moves the order on (`expandAndSend`).
 */
export function processOrder(deps: ProcessDeps, message: ProcessOrderMessage): Promise<void> {
  return expandAndSend(deps, [message]);
}
