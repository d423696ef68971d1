import type { ChainReceipt, NewOrder } from "../domain/order";
import { instantLeaseMs } from "../domain/recoveryTimes";
import type { InstantEmailOrderRequest, InstantSmsOrderRequest } from "../domain/requests/instantOrder";
import type { SendingWindow } from "../domain/sendingWindow";
import { AppError, isAppError } from "../errors";
import type { EmailSender } from "../ports/emailSender";
import type { DeliveryReferenceStore } from "../ports/notificationStore";
import type { SmsSender } from "../ports/smsSender";
import { callProvider } from "./callProvider";
import { completeOrderIfDone } from "./completeOrderIfDone";
import { notificationFor } from "./notificationDrafts";
import { registerOrderChain, type ChainIds } from "./registerOrderChain";
import type { ResolvedAddress } from "./resolveOrderRecipients";
import { transitionOrder, type TransitionDeps } from "./transitionOrder";

export interface InstantDeps extends TransitionDeps {
  references: DeliveryReferenceStore;
  emailSender: EmailSender;
  smsSender: SmsSender;
  sendingWindow: SendingWindow;
}

export type InstantRequest =
  | { kind: "instant-sms"; request: InstantSmsOrderRequest; defaultSender: string }
  | { kind: "instant-email"; request: InstantEmailOrderRequest; defaultSenderAddress: string };

export interface InstantResult {
  receipt: ChainReceipt;
  created: boolean;
}

/** The provider could not take the message: Altinn's 503 NOT-00004, with nothing stored. */
export class InstantDispatchFailed extends Error {}

/** The order of an instant request, stored already claimed for processing (this request sends it). */
function instantOrder(input: InstantRequest, tenant: string, ids: ChainIds, now: Date): NewOrder {
  const created = now.toISOString();
  const leaseUntil = new Date(now.getTime() + instantLeaseMs).toISOString();
  const base = {
    id: ids.mainOrderId,
    creator: tenant,
    api: "v2" as const,
    type: "Instant" as const,
    chainId: ids.chainId,
    sendersReference: input.request.sendersReference,
    requestedSendTime: created,
    created,
    conditionFailurePolicy: "send" as const,
    status: "Processing" as const,
    statusChangedAt: created,
    // Should this request die before the order is Processed, the sweeper sends it through the pipeline.
    leaseUntil,
    sweepAt: leaseUntil,
    releaseCount: 1,
  };
  if (input.kind === "instant-sms") {
    const { phoneNumber, timeToLiveInSeconds, smsSettings } = input.request.recipientSms;
    return {
      ...base,
      notificationChannel: "Sms",
      recipients: [{ mobileNumber: phoneNumber }],
      smsTemplate: {
        senderNumber: smsSettings.sender || input.defaultSender,
        body: smsSettings.body,
        sendingTimePolicy: "Anytime",
        timeToLiveSeconds: timeToLiveInSeconds,
      },
    };
  }
  const { emailAddress, emailSettings } = input.request.recipientEmail;
  return {
    ...base,
    notificationChannel: "Email",
    recipients: [{ emailAddress }],
    emailTemplate: {
      fromAddress: emailSettings.senderEmailAddress ?? input.defaultSenderAddress,
      subject: emailSettings.subject,
      body: emailSettings.body,
      contentType: emailSettings.contentType,
      sendingTimePolicy: "Anytime",
    },
  };
}

function addressOf(input: InstantRequest): ResolvedAddress {
  return input.kind === "instant-sms"
    ? { channel: "sms", address: input.request.recipientSms.phoneNumber, status: "New" }
    : { channel: "email", address: input.request.recipientEmail.emailAddress, status: "New" };
}

/**
 * `future/orders/instant/*`: sends one message while the caller waits. The order is registered like any
 * chain (its creation is the idempotency check) and stored already claimed, with its notification in
 * Sending, before the provider is called; so a request that dies at any point leaves an order the sweeper
 * finishes through the pipeline, and its receipt always points at a stored shipment. If the provider does
 * not take the message, what was stored is removed again (Altinn stores nothing then).
 */
export async function sendInstant(
  deps: InstantDeps,
  tenant: string,
  idempotencyId: string,
  body: unknown,
  input: InstantRequest,
): Promise<InstantResult> {
  const registration = await registerOrderChain(deps, {
    tenant,
    kind: input.kind,
    idempotencyId,
    body,
    buildOrders: (ids, now) => [instantOrder(input, tenant, ids, now)],
  });
  if (!registration.created) return { receipt: registration.receipt, created: false };
  const order = await deps.orders.getOrder(registration.receipt.notification.shipmentId);
  if (!order) throw new AppError("transient", "The instant order could not be read back.");
  const now = deps.clock.now();
  const draft = {
    ...notificationFor(order, addressOf(input), now, deps.sendingWindow),
    status: "Sending" as const,
  };
  await deps.notifications.createMany([draft]);
  const sending = await deps.notifications.get(order.id, draft.id);
  if (!sending) throw new AppError("transient", "The instant notification could not be read back.");

  let reference: string | undefined;
  try {
    const outcome = await callProvider(deps, sending);
    if (outcome.kind === "accepted") reference = outcome.reference;
  } catch (error) {
    if (!isAppError(error)) throw error;
  }
  if (reference === undefined) {
    await deps.notifications.remove(order.id, sending.id);
    await deps.orders.removeOrder(order.id);
    throw new InstantDispatchFailed("the provider did not accept the message");
  }
  await deps.references.put({
    provider: sending.channel === "sms" ? "link" : "acs",
    reference,
    orderId: order.id,
    notificationId: sending.id,
  });
  try {
    await deps.notifications.update(sending, {
      status: sending.channel === "sms" ? "Accepted" : "Succeeded",
      reference,
      statusChangedAt: deps.clock.now().toISOString(),
    });
  } catch (error) {
    // The delivery report got there first; its status stands.
    if (!isAppError(error, "conflict")) throw error;
  }
  await transitionOrder(deps, order, "Processed", {
    leaseUntil: undefined,
    notificationIds: [sending.id],
    sweepAt: sending.expiry,
  });
  // A report applied before the order was Processed could not complete it.
  await completeOrderIfDone(deps, order.id);
  return { receipt: registration.receipt, created: true };
}
