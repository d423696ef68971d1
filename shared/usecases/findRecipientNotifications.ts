import type { NotificationDocument } from "../domain/notification";
import type { OrderDocument } from "../domain/order";
import type { OrderStore } from "../ports/orderStore";
import type { SupportRecipient } from "../domain/requests/dashboardQuery";
import type { SupportLookup } from "../ports/supportLookup";

/** One shipment to the recipient and each attempt to reach them (Altinn's `DashboardNotification`). */
interface RecipientShipment {
  shipmentId: string;
  creatorName: string;
  resourceId?: string;
  sendersReference?: string;
  requestedSendTime: string;
  notificationChannel: OrderDocument["notificationChannel"];
  notificationType: OrderDocument["type"];
  deliveryAttempts: Array<{
    nationalIdentityNumber?: string;
    organizationNumber?: string;
    channel: "email" | "sms";
    emailAddress?: string;
    mobileNumber?: string;
    result: string;
    resultTime: string;
  }>;
}

/** More than a support person reads; it bounds the cross-partition query. */
const maxNotifications = 1000;

/**
 * Altinn's support dashboard: every organisation's notifications to one person or organisation in a time
 * range, grouped by shipment, newest send time first. Each attempt carries only what Altinn's does: the
 * identifier that was asked for, the channel, the address it went to and the result.
 */
export async function findRecipientNotifications(
  deps: { supportLookup: SupportLookup; orders: OrderStore },
  recipient: SupportRecipient,
  from: Date,
  to: Date,
): Promise<RecipientShipment[]> {
  const notifications = await deps.supportLookup.notificationsFor(recipient, from, to, maxNotifications);
  const byOrder = new Map<string, NotificationDocument[]>();
  for (const n of notifications) byOrder.set(n.orderId, [...(byOrder.get(n.orderId) ?? []), n]);
  const shipments: RecipientShipment[] = [];
  for (const [orderId, attempts] of byOrder) {
    const order = await deps.orders.getOrder(orderId);
    if (!order) continue; // removed by retention meanwhile
    shipments.push({
      shipmentId: order.id,
      creatorName: order.creator,
      resourceId: order.resourceId,
      sendersReference: order.sendersReference,
      requestedSendTime: order.requestedSendTime,
      notificationChannel: order.notificationChannel,
      notificationType: order.type,
      deliveryAttempts: attempts.map((n) => ({
        ...("nationalIdentityNumber" in recipient
          ? { nationalIdentityNumber: recipient.nationalIdentityNumber }
          : { organizationNumber: recipient.organizationNumber }),
        channel: n.channel,
        ...(n.channel === "email"
          ? { emailAddress: n.recipient.address }
          : { mobileNumber: n.recipient.address }),
        result: n.status,
        resultTime: n.statusChangedAt,
      })),
    });
  }
  return shipments.sort((a, b) => Date.parse(b.requestedSendTime) - Date.parse(a.requestedSendTime));
}
