import type { SendGroupMessage } from "../queue/messages";
import { sendEach, type SendDeps } from "./steps/sendEach";

/**
 * Queue job: single sends of many orders carried by one message. Each is claimed, paced and put back on its
 * own, as its own message would be, so a redelivered group sends nothing twice; the SMS among them go to the
 * gateway in one submission per organisation. A store failure on one send holds back none of the others and
 * is raised last, so the broker redelivers the group and only what is still New goes out.
 */
export function sendNotificationGroup(deps: SendDeps, message: SendGroupMessage): Promise<void> {
  return sendEach(
    deps,
    message.sends.map((send) => ({ ...send, retry: 0 })),
  );
}
