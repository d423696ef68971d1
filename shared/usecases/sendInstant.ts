import type { ChainIds } from "../domain/deterministicIds";
import type { NotificationDocument } from "../domain/notification";
import type { ChainReceipt, NewOrder, OrderDocument } from "../domain/order";
import type { InstantEmailOrderRequest, InstantSmsOrderRequest } from "../domain/requests/instantOrder";
import type { SendingWindow } from "../domain/sendingWindow";
import { AppError, isAppError } from "../errors";
import type { EmailSender } from "../ports/emailSender";
import type { DeliveryReferenceStore } from "../ports/notificationStore";
import type { SmsSender } from "../ports/smsSender";
import { callProvider } from "./steps/callProvider";
import { completeOrderIfDone } from "./steps/completeOrderIfDone";
import { recordAcceptance, rememberEmailOperation } from "./steps/recordAcceptance";
import { notificationFor } from "./steps/notificationDrafts";
import { registerOrders, type ChangedPayloadPolicy } from "./steps/idempotentRegistration";
import type { ResolvedAddress } from "./steps/resolveOrderRecipients";
import { ordersOf } from "./steps/tenantScope";
import { claimIfDue } from "./steps/releaseIfDue";
import { appendCreatedOutbox, transitionOrder, type TransitionDeps } from "./steps/transitionOrder";

interface InstantDeps extends TransitionDeps {
  references: DeliveryReferenceStore;
  emailSender: EmailSender;
  smsSender: SmsSender;
  sendingWindow: SendingWindow;
}

export type InstantRequest =
  | { kind: "instant-sms"; request: InstantSmsOrderRequest; defaultSender: string }
  | { kind: "instant-email"; request: InstantEmailOrderRequest; defaultSenderAddress: string };

interface InstantResult {
  receipt: ChainReceipt;
  created: boolean;
  /** A replay of another body under the same idempotencyId: its content was ignored. */
  payloadChanged: boolean;
}

/** The provider could not take the message: Altinn's 503 NOT-00004, with nothing stored. */
export class InstantDispatchFailed extends Error {}

/** The order of an instant request, due at once: it is stored already claimed (`claimIfDue`). */
function instantOrder(input: InstantRequest, tenant: string, ids: ChainIds, now: Date): NewOrder {
  const created = now.toISOString();
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
    status: "Registered" as const,
    statusChangedAt: created,
    releaseCount: 0,
    naming: "emailByOrder" as const,
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

/** The stored order's one address: a replay with another body sends what the first request registered. */
function addressOf(order: OrderDocument): ResolvedAddress | undefined {
  const [recipient] = order.recipients;
  if (order.notificationChannel === "Sms" && recipient?.mobileNumber)
    return { channel: "sms", address: recipient.mobileNumber, status: "New" };
  if (order.notificationChannel === "Email" && recipient?.emailAddress)
    return { channel: "email", address: recipient.emailAddress, status: "New" };
  return undefined;
}

const instantKinds: ReadonlyArray<InstantRequest["kind"]> = ["instant-sms", "instant-email"];

/**
 * `future/orders/instant/*`: sends one message while the caller waits. The order is registered as every order
 * is (`registerOrders`: its creation is the idempotency check) and stored already claimed for processing; its
 * notification is stored New and claimed (Sending, under its ETag) before the provider is called, as the
 * send queue does. So a request that dies at any point leaves a stored order: the client's retry with the
 * same idempotencyId takes over a send that was never claimed, and the sweeper finishes the rest through the
 * pipeline. If the provider does not take the message, what was stored is removed again (Altinn stores
 * nothing then) and the caller gets 503.
 */
export async function sendInstant(
  deps: InstantDeps,
  tenant: string,
  idempotencyId: string,
  body: unknown,
  input: InstantRequest,
  onChangedPayload: ChangedPayloadPolicy = "replay",
  /** The client's signal: a request whose client went away stops before anything is stored or sent. */
  signal?: AbortSignal,
): Promise<InstantResult> {
  const registration = await registerOrders(deps, {
    signal,
    tenant,
    key: {
      kind: input.kind,
      idempotencyId,
      body,
      onChangedPayload,
      // Altinn keys every instant order by (creator, idempotencyId), whatever its channel or route.
      sharesIdsWith: instantKinds.filter((kind) => kind !== input.kind),
    },
    buildOrders: (ids, now) => [instantOrder(input, tenant, ids, now)],
    // Claimed for this request (Processing, under the instant lease): should it die before the order is
    // Processed, the sweeper sends it through the pipeline.
    storedAs: (orders) => claimIfDue(deps, orders),
  });
  const result = {
    receipt: registration.receipt,
    created: registration.created,
    payloadChanged: registration.payloadChanged,
  };
  const order = await ordersOf(deps.orders, tenant).getOrder(registration.receipt.notification.shipmentId);
  if (!order) throw new AppError("transient", "The instant order could not be read back.");
  // A retry appends what a request that died after storing the order could not.
  await appendCreatedOutbox(deps, order);
  const address = addressOf(order);
  if (order.status !== "Processing" || !address) return result;

  const draft = notificationFor(order, address, new Date(order.created), deps.sendingWindow);
  await deps.notifications.createMany([draft]);
  const found = await deps.notifications.get(order.id, draft.id);
  // Sent, or being sent by the first request (or later by the sweeper, should that request have died).
  if (!found || found.status !== "New") return result;
  let sending: NotificationDocument;
  try {
    sending = await deps.notifications.update(found, {
      status: "Sending",
      statusChangedAt: deps.clock.now().toISOString(),
    });
  } catch (error) {
    if (isAppError(error, "conflict")) return result;
    throw error;
  }

  await rememberEmailOperation(deps, sending);
  const reference = await dispatch(deps, sending);
  if (reference === undefined) {
    await deps.notifications.remove(order.id, sending.id);
    await deps.orders.removeOrder(order.id);
    throw new InstantDispatchFailed("the provider did not accept the message");
  }
  await recordAcceptance(deps, sending, reference);
  await transitionOrder(deps, order, "Processed", {
    leaseUntil: undefined,
    notificationIds: [sending.id],
    sweepAt: sending.expiry,
  });
  // A report applied before the order was Processed could not complete it.
  await completeOrderIfDone(deps, order.id);
  return result;
}

/** The provider's reference, or undefined when it did not take the message (refused or unreachable). */
async function dispatch(deps: InstantDeps, sending: NotificationDocument): Promise<string | undefined> {
  try {
    const outcome = await callProvider(deps, sending);
    return outcome.kind === "accepted" ? outcome.reference : undefined;
  } catch (error) {
    if (isAppError(error)) return undefined;
    throw error;
  }
}
