import type { NotificationDocument, SmsNotificationDocument } from "../../domain/notification";
import { AppError } from "../../errors";
import type { Clock } from "../../ports/clock";
import type { EmailSender } from "../../ports/emailSender";
import type { NewNotification } from "../../ports/notificationStore";
import type { SmsMessage, SmsSender } from "../../ports/smsSender";
import type { TestModeProviders } from "../../ports/testMode";

type NewSmsNotification = Extract<NewNotification, { channel: "sms" }>;

export type ProviderOutcome =
  { kind: "accepted"; reference: string } | { kind: "failed"; status: NotificationDocument["status"] };

interface ProviderDeps {
  emailSender: EmailSender;
  smsSender: SmsSender;
  clock: Clock;
  /** Organisations in test mode send to a simulator instead (never to ACS or LINK). */
  testMode?: TestModeProviders;
}

function providersOf(
  deps: ProviderDeps,
  tenant: string | undefined,
): Pick<ProviderDeps, "emailSender" | "smsSender"> {
  return tenant !== undefined && deps.testMode?.covers(tenant) ? deps.testMode : deps;
}

/**
 * Hands one notification to its provider: ACS for email, LINK for SMS. Permanent refusals come back as a
 * failed status; transient failures are thrown (AppError "transient") for the caller to retry or report.
 */
export async function callProvider(deps: ProviderDeps, n: NewNotification): Promise<ProviderOutcome> {
  if (n.channel === "email") {
    const result = await providersOf(deps, n.creator).emailSender.send({
      notificationId: n.id,
      from: n.from,
      to: n.recipient.address ?? "",
      subject: n.subject,
      body: n.body,
      contentType: n.contentType,
      attachments: n.attachments,
    });
    return result.outcome === "accepted"
      ? { kind: "accepted", reference: result.operationId }
      : { kind: "failed", status: result.result };
  }
  const [outcome] = await callSmsProvider(deps, [n]);
  if (!outcome) throw new AppError("permanent", "the SMS gateway gave no outcome");
  return outcome;
}

function smsMessageOf(deps: ProviderDeps, n: SmsNotificationDocument | NewSmsNotification): SmsMessage {
  // The gateway keeps trying until the notification would expire anyway.
  const ttl =
    n.timeToLiveSeconds ??
    Math.max(60, Math.floor((Date.parse(n.expiry) - deps.clock.now().getTime()) / 1000));
  return {
    notificationId: n.id,
    sender: n.sender,
    to: n.recipient.address ?? "",
    body: n.body,
    timeToLiveSeconds: ttl,
  };
}

/** Hands SMS to the gateway in one submission: one outcome per notification, in order. */
export async function callSmsProvider(
  deps: ProviderDeps,
  notifications: Array<SmsNotificationDocument | NewSmsNotification>,
): Promise<ProviderOutcome[]> {
  // A batch holds one order's notifications, so one organisation's.
  const { smsSender } = providersOf(deps, notifications[0]?.creator);
  const results = await smsSender.sendMany(notifications.map((n) => smsMessageOf(deps, n)));
  return results.map((result) =>
    result.outcome === "accepted"
      ? { kind: "accepted", reference: result.gatewayReference }
      : { kind: "failed", status: result.result },
  );
}
