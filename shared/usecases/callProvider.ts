import type { NewNotification } from "../ports/notificationStore";
import type { Clock } from "../ports/clock";
import type { EmailSender } from "../ports/emailSender";
import type { SmsSender } from "../ports/smsSender";
import type { NotificationDocument } from "../domain/notification";

export type ProviderOutcome =
  { kind: "accepted"; reference: string } | { kind: "failed"; status: NotificationDocument["status"] };

export interface ProviderDeps {
  emailSender: EmailSender;
  smsSender: SmsSender;
  clock: Clock;
}

/**
 * Hands one notification to its provider: ACS for email, LINK for SMS. Permanent refusals come back as a
 * failed status; transient failures are thrown (AppError "transient") for the caller to retry or report.
 */
export async function callProvider(deps: ProviderDeps, n: NewNotification): Promise<ProviderOutcome> {
  if (n.channel === "email") {
    const result = await deps.emailSender.send({
      notificationId: n.id,
      from: n.from,
      to: n.recipient.address ?? "",
      subject: n.subject,
      body: n.body,
      contentType: n.contentType,
    });
    return result.outcome === "accepted"
      ? { kind: "accepted", reference: result.operationId }
      : { kind: "failed", status: result.result };
  }
  // The gateway keeps trying until the notification would expire anyway.
  const ttl =
    n.timeToLiveSeconds ??
    Math.max(60, Math.floor((Date.parse(n.expiry) - deps.clock.now().getTime()) / 1000));
  const result = await deps.smsSender.send({
    notificationId: n.id,
    sender: n.sender,
    to: n.recipient.address ?? "",
    body: n.body,
    timeToLiveSeconds: ttl,
  });
  return result.outcome === "accepted"
    ? { kind: "accepted", reference: result.gatewayReference }
    : { kind: "failed", status: result.result };
}
