import type { NotificationDocument, SmsNotificationDocument } from "../../domain/notification";
import { mapInParallel } from "../../concurrency";
import { defaultProviderRetryMs } from "../../domain/recoveryTimes";
import { AppError, isAppError } from "../../errors";
import type { Clock } from "../../ports/clock";
import type { EmailSender } from "../../ports/emailSender";
import type {
  DeliveryReferenceStore,
  NewNotification,
  NotificationStore,
} from "../../ports/notificationStore";
import type { SmsMessage, SmsSender } from "../../ports/smsSender";
import type { TestModeProviders } from "../../ports/testMode";
import { acceptedStatusOf } from "../../domain/statuses";
import { answeredReferenceOf, emailReferencesOf, withRetries } from "./recordAcceptance";

type NewSmsNotification = Extract<NewNotification, { channel: "sms" }>;

type ProviderOutcome =
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
async function callSmsProvider(
  deps: ProviderDeps,
  notifications: Array<SmsNotificationDocument | NewSmsNotification>,
): Promise<ProviderOutcome[]> {
  // The caller hands over one organisation's notifications.
  const { smsSender } = providersOf(deps, notifications[0]?.creator);
  const results = await smsSender.sendMany(notifications.map((n) => smsMessageOf(deps, n)));
  return results.map((result) =>
    result.outcome === "accepted"
      ? { kind: "accepted", reference: result.gatewayReference }
      : { kind: "failed", status: result.result },
  );
}

/** Provider calls in flight at once for one batch or group (ACS takes one email per request). */
const providerConcurrency = 16;

/** What became of one send: the provider's outcome, or the transient failure that puts it back. */
export type SendResult =
  | { notification: NotificationDocument; outcome: ProviderOutcome }
  | { notification: NotificationDocument; retryAfterMs: number; throttled: boolean };

function putBack(notification: NotificationDocument, error: unknown): SendResult {
  if (!isAppError(error, "transient")) throw error;
  const retryAfterMs = error.details.retryAfterMs ?? defaultProviderRetryMs;
  return { notification, retryAfterMs, throttled: error.details.throttled === true };
}

/**
 * Hands claimed sends to their providers: emails one request each (in parallel), SMS in one gateway
 * submission per organisation (each may have its own providers, see test mode). Transient failures come back
 * as results; anything else is thrown.
 */
async function callProviders(deps: ProviderDeps, due: NotificationDocument[]): Promise<SendResult[]> {
  const smsByCreator = new Map<string, SmsNotificationDocument[]>();
  for (const n of due)
    if (n.channel === "sms") smsByCreator.set(n.creator, [...(smsByCreator.get(n.creator) ?? []), n]);
  const [emailResults, ...smsResults] = await Promise.all([
    mapInParallel(
      due.filter((n) => n.channel === "email"),
      providerConcurrency,
      async (notification): Promise<SendResult> => {
        try {
          return { notification, outcome: await callProvider(deps, notification) };
        } catch (error) {
          return putBack(notification, error);
        }
      },
    ),
    ...[...smsByCreator.values()].map((sms) => submitSms(deps, sms)),
  ]);
  return [...emailResults, ...smsResults.flat()];
}

/** One organisation's SMS in one gateway submission. */
async function submitSms(deps: ProviderDeps, sms: SmsNotificationDocument[]): Promise<SendResult[]> {
  try {
    const outcomes = await callSmsProvider(deps, sms);
    return sms.map((notification, i) => {
      const outcome = outcomes[i];
      if (!outcome) throw new AppError("permanent", "the SMS gateway gave fewer outcomes than messages");
      return { notification, outcome };
    });
  } catch (error) {
    return sms.map((notification) => putBack(notification, error));
  }
}

/**
 * Hands claimed sends over and remembers where their delivery reports must go, each in one request: the
 * emails' operation ids before ACS sees them (ACS takes the notification id as its operation id, so a report
 * is matched even before ACS answers; an email named by its order needs none), and what the answers need as
 * soon as the providers answer (`answeredReferenceOf`).
 */
export async function handOver(
  deps: ProviderDeps & { references: DeliveryReferenceStore },
  claimed: NotificationDocument[],
): Promise<SendResult[]> {
  await withRetries(() => deps.references.putMany(emailReferencesOf(claimed)));
  const results = await callProviders(deps, claimed);
  const references = results.flatMap((r) => {
    const answered =
      "outcome" in r && r.outcome.kind === "accepted"
        ? answeredReferenceOf(r.notification, r.outcome.reference)
        : undefined;
    return answered ? [answered] : [];
  });
  await withRetries(() => deps.references.putMany(references));
  return results;
}

function changesOf(result: SendResult, at: string): Partial<NotificationDocument> | undefined {
  if (!("outcome" in result)) return undefined;
  const { notification, outcome } = result;
  if (outcome.kind === "failed") return { status: outcome.status, statusChangedAt: at };
  return {
    status: acceptedStatusOf(notification.channel),
    reference: outcome.reference,
    statusChangedAt: at,
  };
}

/**
 * Writes what the providers answered in one hand-over (accepted or refused) in one bulk request: until an
 * acceptance is written, a message the SMS gateway took would be sent again by a process that died, so that
 * window is one round trip, not one per send. A conflict means a delivery report got there first; its status
 * stands. A transient failure is the caller's to put back.
 */
export async function recordOutcomes(
  deps: { notifications: NotificationStore; clock: Clock },
  results: SendResult[],
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const updates = results.flatMap((r) => {
    const changes = changesOf(r, at);
    return changes ? [{ notification: r.notification, changes }] : [];
  });
  await withRetries(() => deps.notifications.updateMany(updates));
}
