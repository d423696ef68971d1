import { isCompletedBySweeper } from "../../domain/completion";
import { deterministicId } from "../../domain/deterministicIds";
import { notificationExpiry } from "../../domain/expiry";
import { applyKeywords } from "../../domain/keywords";
import type { OrderDocument } from "../../domain/order";
import { nextSendTime, type SendingWindow } from "../../domain/sendingWindow";
import { chooseLanguage, type TemplateLanguage } from "../../domain/templates";
import type { NewNotification } from "../../ports/notificationStore";
import type { ResolvedAddress } from "./resolveOrderRecipients";

/** The text in the recipient's language when the order's template has one, else the Bokmål text. */
function inLanguage<Text, Translations extends Partial<Record<"nn" | "en", Text>>>(
  bokmal: Text,
  translations: Translations | undefined,
  language: TemplateLanguage,
): Text {
  return language === "nb" ? bokmal : (translations?.[language] ?? bokmal);
}

/**
 * An order to one recipient other than an organisation has at most one email: a person has one address in
 * the register, a self-identified user one, a plain recipient one (an organisation may have many). Only
 * orders registered to be named so (`naming`) are.
 */
function emailNamedByOrder(order: OrderDocument): boolean {
  const [only, ...more] = order.recipients;
  if (order.naming !== "emailByOrder" || order.recipientCount !== undefined || !only || more.length > 0)
    return false;
  return Boolean(only.nationalIdentityNumber) || !only.organizationNumber;
}

/**
 * The notification of one resolved address of an order, under an id derived from (order, channel,
 * address): processing the order again, or recovering an instant order through the pipeline, names the
 * same notification and never creates a second one. The one email of an order that has one at most takes
 * the order's id: ACS takes a notification's id as its operation id, so that email's delivery report names
 * the order, whose partition holds it, and needs no stored delivery reference (`isNamedByItsOrder`).
 */
export function notificationFor(
  order: OrderDocument,
  address: ResolvedAddress,
  now: Date,
  window: SendingWindow,
): NewNotification {
  const created = now.toISOString();
  const identity =
    address.address ??
    `${address.status}:${address.nationalIdentityNumber ?? address.organizationNumber ?? address.externalIdentity ?? ""}`;
  const template = address.channel === "email" ? order.emailTemplate : order.smsTemplate;
  const policy = template?.sendingTimePolicy ?? "Anytime";
  const requested = new Date(Math.max(Date.parse(order.requestedSendTime), now.getTime()));
  const common = {
    id:
      address.channel === "email" && emailNamedByOrder(order)
        ? order.id
        : deterministicId(order.id, `${address.channel}:${identity.toLowerCase()}`),
    orderId: order.id,
    creator: order.creator,
    created,
    statusChangedAt: created,
    sendAfter: nextSendTime(requested, policy, window).toISOString(),
    sendingTimePolicy: policy,
    completedBySweeper: isCompletedBySweeper(order) || undefined,
    // The order's trace rides along, so the report that finishes this notification joins it without reading the order.
    traceparent: order.traceparent,
    expiry: notificationExpiry({
      channel: address.channel,
      policy,
      requestedSendTime: new Date(order.requestedSendTime),
      window,
      timeToLiveSeconds: address.channel === "sms" ? order.smsTemplate?.timeToLiveSeconds : undefined,
    }).toISOString(),
    recipient: {
      address: address.address,
      nationalIdentityNumber: address.nationalIdentityNumber,
      organizationNumber: address.organizationNumber,
      externalIdentity: address.externalIdentity,
      isReserved: address.status === "Failed_RecipientReserved" ? true : undefined,
    },
  };
  // Only orders made from a template carry translations; the language is the order's, the recipient's, or nb.
  const language = chooseLanguage(order.template?.language, address.language);
  if (address.channel === "email") {
    const t = order.emailTemplate;
    if (!t) throw new Error(`order ${order.id} has an email address but no email template`);
    const text = inLanguage({ subject: t.subject, body: t.body }, t.translations, language);
    return {
      ...common,
      channel: "email",
      status: address.status,
      from: t.fromAddress,
      subject: applyKeywords(text.subject, address),
      body: applyKeywords(text.body, address),
      contentType: t.contentType,
      attachments: t.attachments,
    };
  }
  const t = order.smsTemplate;
  if (!t) throw new Error(`order ${order.id} has a mobile number but no SMS template`);
  return {
    ...common,
    channel: "sms",
    status: address.status,
    sender: t.senderNumber,
    body: applyKeywords(inLanguage({ body: t.body }, t.translations, language).body, address),
    timeToLiveSeconds: t.timeToLiveSeconds,
  };
}

/** One notification per distinct address of the order. */
export function notificationsFor(
  order: OrderDocument,
  addresses: ResolvedAddress[],
  now: Date,
  window: SendingWindow,
): NewNotification[] {
  const notifications = addresses.map((a) => notificationFor(order, a, now, window));
  return [...new Map(notifications.map((n) => [n.id, n])).values()];
}
