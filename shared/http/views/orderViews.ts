import type { NotificationDocument } from "../../domain/notification";
import type { OrderDocument } from "../../domain/order";
import {
  emailLifecycleName,
  emailResultDescriptions,
  orderLifecycleName,
  orderStatusDescriptions,
  smsLifecycleName,
  smsResultDescriptions,
  isSucceededNotification,
  type OrderStatus,
} from "../../domain/statuses";
import type {
  NotificationOrderView,
  NotificationOrderWithStatusView,
  ShipmentSummary,
  ShipmentView,
} from "./responseSchemas";

/** v1 endpoints never show Processed: Altinn reports it as Completed there for compatibility. */
function v1Status(status: OrderStatus): OrderStatus {
  return status === "Processed" ? "Completed" : status;
}

const usesEmail = (order: OrderDocument) => order.notificationChannel !== "Sms";
const usesSms = (order: OrderDocument) => order.notificationChannel !== "Email";

/** `NotificationOrderExt`: the order as the legacy `GET orders/{id}` returns it. */
export function orderView(order: OrderDocument, base: string): NotificationOrderView {
  const self = `${base}/orders/${order.id}`;
  return {
    id: order.id,
    sendersReference: order.sendersReference,
    requestedSendTime: order.requestedSendTime,
    creator: order.creator,
    created: order.created,
    notificationChannel: order.notificationChannel,
    ignoreReservation: order.ignoreReservation,
    resourceId: order.resourceId,
    resourceAction: order.resourceAction,
    conditionEndpoint: order.conditionEndpoint,
    recipients: order.recipients,
    emailTemplate: order.emailTemplate && {
      fromAddress: order.emailTemplate.fromAddress,
      subject: order.emailTemplate.subject,
      body: order.emailTemplate.body,
      contentType: order.emailTemplate.contentType,
    },
    smsTemplate: order.smsTemplate && {
      senderNumber: order.smsTemplate.senderNumber,
      body: order.smsTemplate.body,
    },
    links: { self, status: `${self}/status` },
  };
}

function countChannel(notifications: NotificationDocument[], channel: "email" | "sms") {
  let generated = 0;
  let succeeded = 0;
  for (const n of notifications) {
    if (n.channel !== channel) continue;
    generated += 1;
    if (isSucceededNotification(n)) succeeded += 1;
  }
  return { generated, succeeded };
}

/** `NotificationOrderWithStatusExt`: the order with its processing status and per-channel counts. */
export function orderWithStatusView(
  order: OrderDocument,
  notifications: NotificationDocument[],
  base: string,
): NotificationOrderWithStatusView {
  const {
    links: _links,
    emailTemplate: _e,
    smsTemplate: _s,
    recipients: _r,
    ...fields
  } = orderView(order, base);
  const status = v1Status(order.status);
  const self = `${base}/orders/${order.id}/notifications`;
  return {
    ...fields,
    processingStatus: {
      status,
      description: orderStatusDescriptions[status],
      lastUpdate: order.statusChangedAt,
    },
    notificationsStatusSummary: {
      email: usesEmail(order)
        ? { links: { self: `${self}/email` }, ...countChannel(notifications, "email") }
        : undefined,
      sms: usesSms(order)
        ? { links: { self: `${self}/sms` }, ...countChannel(notifications, "sms") }
        : undefined,
    },
  };
}

/** A shipment's identity and lifecycle status, without its recipients. */
export function shipmentSummaryView(order: OrderDocument): ShipmentSummary {
  return {
    shipmentId: order.id,
    sendersReference: order.sendersReference,
    type: order.type,
    status: orderLifecycleName(order.status),
    lastUpdate: order.statusChangedAt,
  };
}

/** `NotificationDeliveryManifestExt`: `GET future/shipment/{id}`. */
export function shipmentView(order: OrderDocument, notifications: NotificationDocument[]): ShipmentView {
  return {
    ...shipmentSummaryView(order),
    recipients: notifications.map((n) => ({
      type: n.channel === "email" ? "Email" : "SMS",
      destination: n.recipient.address ?? "",
      status: n.channel === "email" ? emailLifecycleName(n.status) : smsLifecycleName(n.status),
      lastUpdate: n.statusChangedAt,
    })),
  };
}

/** `EmailNotificationSummaryExt` / `SmsNotificationSummaryExt`: `GET orders/{id}/notifications/{channel}`. */
export function notificationSummaryView(
  order: OrderDocument,
  notifications: NotificationDocument[],
  channel: "email" | "sms",
) {
  const own = notifications.filter((n) => n.channel === channel);
  const items = own.map((n) => {
    const succeeded = isSucceededNotification(n);
    const description =
      n.channel === "email" ? emailResultDescriptions[n.status] : smsResultDescriptions[n.status];
    return {
      id: n.id,
      succeeded,
      recipient: {
        ...(channel === "email"
          ? { emailAddress: n.recipient.address }
          : { mobileNumber: n.recipient.address }),
        organizationNumber: n.recipient.organizationNumber,
        nationalIdentityNumber: n.recipient.nationalIdentityNumber,
        isReserved: n.recipient.isReserved,
      },
      sendStatus: { status: n.status, description, lastUpdate: n.statusChangedAt },
    };
  });
  return {
    orderId: order.id,
    sendersReference: order.sendersReference,
    generated: items.length,
    succeeded: items.filter((i) => i.succeeded).length,
    notifications: items,
  };
}
