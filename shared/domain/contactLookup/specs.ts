import type { RecipientSpec } from "./types";
import type { NotificationChannel, StoredRecipient } from "../order";

/** The order-level settings a stored recipient is resolved with (v1 sets them per order, v2 per recipient). */
interface RecipientSpecOptions {
  notificationChannel: NotificationChannel;
  ignoreReservation?: boolean;
  useStaleContactInformation?: boolean;
  resourceId?: string;
  resourceAction?: string;
}

const channelsUsingEmail: ReadonlySet<NotificationChannel> = new Set([
  "Email",
  "EmailPreferred",
  "SmsPreferred",
  "EmailAndSms",
]);
const channelsUsingSms: ReadonlySet<NotificationChannel> = new Set([
  "Sms",
  "EmailPreferred",
  "SmsPreferred",
  "EmailAndSms",
]);

/**
 * The lookup specification(s) of a recipient as stored on an order. An identifier wins over direct addresses
 * (intake forbids combining them). Direct addresses count only on a channel the order uses; under a Preferred
 * schema a recipient given both an email and a mobile number gets both, as in Altinn (each address is already
 * "present" on its channel, so no fallback applies).
 */
export function recipientSpecsFor(
  recipient: StoredRecipient,
  options: RecipientSpecOptions,
): RecipientSpec[] {
  const channel = options.notificationChannel;
  if (recipient.nationalIdentityNumber) {
    return [
      {
        kind: "person",
        nationalIdentityNumber: recipient.nationalIdentityNumber,
        channel,
        ignoreReservation: options.ignoreReservation ?? false,
        ...(options.useStaleContactInformation ? { useStaleContactInformation: true } : {}),
      },
    ];
  }
  if (recipient.organizationNumber) {
    const resource = options.resourceId
      ? {
          resourceId: options.resourceId,
          ...(options.resourceAction ? { resourceAction: options.resourceAction } : {}),
        }
      : {};
    return [{ kind: "organization", organizationNumber: recipient.organizationNumber, channel, ...resource }];
  }
  if (recipient.externalIdentity) {
    return [{ kind: "externalIdentity", externalIdentity: recipient.externalIdentity, channel }];
  }
  const specs: RecipientSpec[] = [];
  if (recipient.emailAddress && channelsUsingEmail.has(channel)) {
    specs.push({ kind: "email", emailAddress: recipient.emailAddress });
  }
  if (recipient.mobileNumber && channelsUsingSms.has(channel)) {
    specs.push({ kind: "sms", phoneNumber: recipient.mobileNumber });
  }
  return specs;
}
