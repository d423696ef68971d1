import type { SendNotificationMessage } from "../queue/messages";
import { sendEach, type SendDeps } from "./steps/sendEach";

/**
 * Queue job: sends one email or SMS, claimed New → Sending under its ETag so a duplicate message sends
 * nothing, paced by its provider's bucket, put back after a transient provider failure (see `sendEach`).
 */
export function sendNotification(deps: SendDeps, message: SendNotificationMessage): Promise<void> {
  return sendEach(deps, [message]);
}
