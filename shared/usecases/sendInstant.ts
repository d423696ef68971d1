import { deterministicId, requestHash } from "../domain/ids";
import type { ChainDocument, ChainReceipt, NewOrder } from "../domain/order";
import type { InstantEmailOrderRequest, InstantSmsOrderRequest } from "../domain/requests/instantOrder";
import { AppError, isAppError } from "../errors";
import type { Clock } from "../ports/clock";
import type { EmailSender } from "../ports/emailSender";
import type { DeliveryReferenceStore, NewNotification, NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { SmsSender } from "../ports/smsSender";
import type { StatusFeed } from "../ports/statusFeed";
import { callProvider } from "./callProvider";
import { chainIds } from "./registerOrderChain";
import { recordStatus } from "./transitionOrder";

export interface InstantDeps {
  orders: OrderStore;
  notifications: NotificationStore;
  references: DeliveryReferenceStore;
  statusFeed: StatusFeed;
  emailSender: EmailSender;
  smsSender: SmsSender;
  clock: Clock;
}

export type InstantRequest =
  | { kind: "instant-sms"; request: InstantSmsOrderRequest; defaultSender: string }
  | { kind: "instant-email"; request: InstantEmailOrderRequest; defaultSenderAddress: string };

export interface InstantResult {
  receipt: ChainReceipt;
  created: boolean;
}

const emailTimeToLiveMs = 48 * 3_600_000;

/** The provider could not take the message: Altinn's 503 NOT-00004, with nothing stored. */
export class InstantDispatchFailed extends Error {}

function build(input: InstantRequest, tenant: string, orderId: string, chainId: string, now: Date) {
  const created = now.toISOString();
  const base = {
    id: orderId,
    creator: tenant,
    api: "v2" as const,
    type: "Instant" as const,
    chainId,
    sendersReference: input.request.sendersReference,
    requestedSendTime: created,
    created,
    conditionFailurePolicy: "send" as const,
    status: "Processed" as const,
    statusChangedAt: created,
    releaseCount: 0,
  };
  const notificationId = deterministicId(orderId, "instant");
  const common = {
    id: notificationId,
    orderId,
    creator: tenant,
    created,
    statusChangedAt: created,
    sendAfter: created,
  };
  if (input.kind === "instant-sms") {
    const { phoneNumber, timeToLiveInSeconds, smsSettings } = input.request.recipientSms;
    const sender = smsSettings.sender || input.defaultSender;
    const order: NewOrder = {
      ...base,
      notificationChannel: "Sms",
      recipients: [{ mobileNumber: phoneNumber }],
      smsTemplate: {
        senderNumber: sender,
        body: smsSettings.body,
        sendingTimePolicy: "Anytime",
        timeToLiveSeconds: timeToLiveInSeconds,
      },
    };
    const notification: NewNotification = {
      ...common,
      channel: "sms",
      status: "Sending",
      expiry: new Date(now.getTime() + timeToLiveInSeconds * 1000).toISOString(),
      recipient: { address: phoneNumber },
      body: smsSettings.body,
      sender,
      timeToLiveSeconds: timeToLiveInSeconds,
    };
    return { order, notification };
  }
  const { emailAddress, emailSettings } = input.request.recipientEmail;
  const from = emailSettings.senderEmailAddress ?? input.defaultSenderAddress;
  const order: NewOrder = {
    ...base,
    notificationChannel: "Email",
    recipients: [{ emailAddress }],
    emailTemplate: {
      fromAddress: from,
      subject: emailSettings.subject,
      body: emailSettings.body,
      contentType: emailSettings.contentType,
      sendingTimePolicy: "Anytime",
    },
  };
  const notification: NewNotification = {
    ...common,
    channel: "email",
    status: "Sending",
    expiry: new Date(now.getTime() + emailTimeToLiveMs).toISOString(),
    recipient: { address: emailAddress },
    body: emailSettings.body,
    from,
    subject: emailSettings.subject,
    contentType: emailSettings.contentType,
  };
  return { order, notification };
}

async function dispatch(deps: InstantDeps, n: NewNotification): Promise<string> {
  try {
    const outcome = await callProvider(deps, n);
    if (outcome.kind === "accepted") return outcome.reference;
  } catch (error) {
    if (!isAppError(error)) throw error;
  }
  throw new InstantDispatchFailed("the provider did not accept the message");
}

/**
 * `future/orders/instant/*`: sends one message while the caller waits. The chain record is created first
 * and doubles as a lock, so two concurrent requests with the same idempotencyId send once; if the provider
 * does not take the message the record is removed again and nothing is stored. Once sent, the order is
 * tracked like any shipment (Processed, then Completed by its delivery report).
 */
export async function sendInstant(
  deps: InstantDeps,
  tenant: string,
  idempotencyId: string,
  body: unknown,
  input: InstantRequest,
): Promise<InstantResult> {
  const kind: ChainDocument["kind"] = input.kind;
  const ids = chainIds(tenant, kind, idempotencyId);
  const hash = requestHash(body);
  const existing = await deps.orders.getChain(ids.chainId);
  if (existing) {
    if (existing.requestHash !== hash)
      throw new AppError("conflict", "The idempotencyId has already been used for a different request.");
    return { receipt: existing.receipt, created: false };
  }
  const now = deps.clock.now();
  const { order, notification } = build(input, tenant, ids.mainOrderId, ids.chainId, now);
  const receipt: ChainReceipt = {
    notificationOrderId: ids.chainId,
    notification: { shipmentId: order.id, sendersReference: order.sendersReference },
  };
  const claimed = await deps.orders.createChain({
    id: ids.chainId,
    creator: tenant,
    kind,
    idempotencyId,
    requestHash: hash,
    created: now.toISOString(),
    receipt,
    orderIds: [order.id],
  });
  if (claimed === "exists") {
    throw new AppError(
      "conflict",
      "A request with this idempotencyId is being processed; retry to get its receipt.",
    );
  }
  let reference: string;
  try {
    reference = await dispatch(deps, notification);
  } catch (error) {
    await deps.orders.deleteChain(ids.chainId);
    throw error;
  }
  await deps.references.put({
    provider: notification.channel === "sms" ? "link" : "acs",
    reference,
    orderId: order.id,
    notificationId: notification.id,
  });
  await deps.notifications.createMany([
    {
      ...notification,
      status: notification.channel === "sms" ? "Accepted" : "Succeeded",
      reference,
    } as NewNotification,
  ]);
  await deps.orders.createOrder(order);
  const stored = await deps.orders.getOrder(order.id);
  if (stored) await recordStatus(deps, stored);
  return { receipt, created: true };
}
