/** Order processing statuses (Altinn `OrderProcessingStatus`). */
export const orderStatuses = [
  "Registered",
  "Processing",
  "Processed",
  "Completed",
  "SendConditionNotMet",
  "Cancelled",
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const finalOrderStatuses: ReadonlySet<OrderStatus> = new Set([
  "Completed",
  "SendConditionNotMet",
  "Cancelled",
]);

/** The statuses Altinn's status feed lists: an order's final outcome (a cancelled order has no entry). */
export const altinnFeedStatuses: ReadonlySet<OrderStatus> = new Set(["Completed", "SendConditionNotMet"]);

export const orderStatusDescriptions: Record<OrderStatus, string> = {
  Registered: "Order has been registered and is awaiting requested send time before processing.",
  Processing: "Order processing is ongoing. Notifications are being generated.",
  Processed: "Order processing is done. Notifications have been successfully generated.",
  Completed: "Order processing is completed. All notifications have a final status.",
  SendConditionNotMet: "Order processing was stopped due to send condition not being met.",
  Cancelled: "Order processing was stopped due to order being cancelled.",
};

export const emailResults = [
  "New",
  "Sending",
  "Succeeded",
  "Delivered",
  "Failed",
  "Failed_RecipientReserved",
  "Failed_RecipientNotIdentified",
  "Failed_InvalidEmailFormat",
  "Failed_SupressedRecipient",
  "Failed_TransientError",
  "Failed_Bounced",
  "Failed_FilteredSpam",
  "Failed_Quarantined",
  "Failed_TTL",
  "Failed_InvalidSasUrl",
  "Failed_PayloadTooLarge",
] as const;
export type EmailResult = (typeof emailResults)[number];

export const smsResults = [
  "New",
  "Sending",
  "Accepted",
  "Delivered",
  "Failed",
  "Failed_InvalidRecipient",
  "Failed_RecipientReserved",
  "Failed_BarredReceiver",
  "Failed_Deleted",
  "Failed_Expired",
  "Failed_Undelivered",
  "Failed_RecipientNotIdentified",
  "Failed_Rejected",
  "Failed_TTL",
] as const;
export type SmsResult = (typeof smsResults)[number];

/** Results that still wait for something to happen; everything else is final. */
export const pendingEmailResults: ReadonlySet<EmailResult> = new Set(["New", "Sending", "Succeeded"]);
export const pendingSmsResults: ReadonlySet<SmsResult> = new Set(["New", "Sending", "Accepted"]);

/** The status a provider's acceptance gives: an email Succeeded, an SMS Accepted (both wait for a report). */
export function acceptedStatusOf(channel: "email" | "sms"): "Succeeded" | "Accepted" {
  return channel === "email" ? "Succeeded" : "Accepted";
}

/** True while a notification still waits for a final status. */
export function isPendingNotification(
  n: { channel: "email"; status: EmailResult } | { channel: "sms"; status: SmsResult },
): boolean {
  return n.channel === "email" ? pendingEmailResults.has(n.status) : pendingSmsResults.has(n.status);
}

const succeededEmailResults: ReadonlySet<EmailResult> = new Set(["Succeeded", "Delivered"]);
const succeededSmsResults: ReadonlySet<SmsResult> = new Set(["Accepted", "Delivered"]);

/** Succeeded as the v1 summaries count it: accepted by the provider or delivered. */
export function isSucceededNotification(
  n: { channel: "email"; status: EmailResult } | { channel: "sms"; status: SmsResult },
): boolean {
  return n.channel === "email" ? succeededEmailResults.has(n.status) : succeededSmsResults.has(n.status);
}

export const emailResultDescriptions: Record<EmailResult, string> = {
  New: "The email has been created, but has not been picked up for processing yet.",
  Sending: "The email is being processed and will be attempted sent shortly.",
  Succeeded: "The email has been accepted by the third party email service and will be sent shortly.",
  Delivered:
    "The email was delivered to the recipient. No errors reported, making it likely it was received by the recipient.",
  Failed: "The email was not sent due to an unspecified failure.",
  Failed_RecipientReserved:
    "The email was not sent because the recipient has reserved themselves from electronic communication.",
  Failed_RecipientNotIdentified:
    "The email was not sent because the recipient's email address was not found.",
  Failed_InvalidEmailFormat:
    "The email was not sent because the recipient’s email address is in an invalid format.",
  Failed_SupressedRecipient:
    "The email was not sent because the recipient’s email address is suppressed by the third party email service.",
  Failed_TransientError: "The email was not sent due to a transient error. We will retry sending the email.",
  Failed_Bounced:
    "The email hard bounced, which may have happened because the email address does not exist or the domain is invalid.",
  Failed_FilteredSpam: "The email was identified as spam, and was rejected or blocked (not quarantined).",
  Failed_Quarantined: "The email was quarantined (as spam, bulk mail, or phising).",
  Failed_TTL:
    "The email was in indefinite state Succeeded for too long (TTL), and was subsequently set to failed.",
  Failed_InvalidSasUrl:
    "The email was not sent because one or more attachment SAS URLs are invalid, expired, or inaccessible.",
  Failed_PayloadTooLarge:
    "The email was not sent because the total size of the attachments exceeds the allowed limit.",
};

export const smsResultDescriptions: Record<SmsResult, string> = {
  New: "The SMS has been created, but has not been picked up for processing yet.",
  Sending: "The SMS is being processed and will be attempted sent shortly.",
  Accepted: "The SMS has been accepted by the gateway service and will be sent shortly.",
  Delivered: "The SMS was successfully delivered to its destination.",
  Failed: "The SMS was not delivered due to an unspecified failure.",
  Failed_InvalidRecipient: "The SMS was not delivered because the recipient's mobile number was invalid.",
  Failed_RecipientReserved:
    "The SMS was not sent because the recipient has reserved themselves from electronic communication.",
  Failed_BarredReceiver:
    "The SMS was not delivered because the recipient's number is barred, blocked or not in use.",
  Failed_Deleted: "The SMS was not delivered because the message has been deleted.",
  Failed_Expired: "The SMS was not delivered because it has expired.",
  Failed_Undelivered: "The SMS was not delivered due to invalid number or no available route to destination.",
  Failed_RecipientNotIdentified:
    "The SMS was not delivered because the recipient's mobile number was not found.",
  Failed_Rejected: "The SMS was not delivered because it was rejected.",
  Failed_TTL:
    "The SMS was in indefinite state Accepted for too long (TTL), and was subsequently set to failed.",
};

/** External lifecycle names used by `future/shipment` and the status feed (ProcessingLifecycleExt). */
export function orderLifecycleName(status: OrderStatus): string {
  return `Order_${status}`;
}

const emailLifecycleOverrides: Partial<Record<EmailResult, string>> = {
  Failed_InvalidEmailFormat: "Email_Failed_InvalidFormat",
  Failed_SupressedRecipient: "Email_Failed_SuppressedRecipient",
};

export function emailLifecycleName(result: EmailResult): string {
  return emailLifecycleOverrides[result] ?? `Email_${result}`;
}

export function smsLifecycleName(result: SmsResult): string {
  return `SMS_${result}`;
}
