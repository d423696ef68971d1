import type { Settings } from "../config/settings";
import type { OrderDefaults } from "../usecases/steps/orderDrafts";

/** The service's default senders, which intake puts on an order whose request names none. */
export function orderDefaultsOf(settings: Settings): OrderDefaults {
  return { emailSenderAddress: settings.EMAIL_SENDER_ADDRESS, smsSender: settings.SMS_DEFAULT_SENDER };
}
