import type { ProcessOrderGroupMessage } from "../queue/messages";
import { expandAndSend } from "./steps/expandAndSend";
import type { ProcessDeps } from "./steps/expandOrder";

/**
 * Queue job: turns many released orders into notifications in one invocation, so their single sends share
 * send messages (up to `maxSendsPerMessage` each) instead of costing a message each (`expandAndSend`).
 */
export function processOrderGroup(deps: ProcessDeps, message: ProcessOrderGroupMessage): Promise<void> {
  return expandAndSend(
    deps,
    message.orderIds.map((orderId) => ({ orderId, conditionAttempt: 1 })),
  );
}
