import { createHash } from "node:crypto";
import { parquetWriteBuffer, type ColumnSource } from "hyparquet-writer";
import type { NotificationDocument } from "../domain/notification";
import type { OrderDocument } from "../domain/order";
import { countSmsSegments } from "../domain/smsSegments";
import type { Clock } from "../ports/clock";
import type { OrderStore } from "../ports/orderStore";
import type { UsageCount, UsageMetrics } from "../ports/usageMetrics";

interface UsageDeps {
  usageMetrics: UsageMetrics;
  orders: OrderStore;
  clock: Clock;
}

/** Altinn's daily metrics file: yesterday's (UTC) notifications on one channel, one row each, as Parquet. */
interface DailyUsageFile {
  fileName: string;
  content: Uint8Array;
  /** MD5 of the file, base64, as Altinn's `X-File-Hash`. */
  md5: string;
  rows: number;
  generatedAt: string;
}

const dayMs = 24 * 3600 * 1000;

function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

async function ordersOf(deps: UsageDeps, notifications: NotificationDocument[]) {
  const orders = new Map<string, OrderDocument | undefined>();
  for (const { orderId } of notifications)
    if (!orders.has(orderId)) orders.set(orderId, await deps.orders.getOrder(orderId));
  return orders;
}

const text = (name: string, data: Array<string | undefined>): ColumnSource => ({
  name,
  data: data.map((v) => v ?? null),
  type: "STRING",
});
const int = (name: string, data: number[]): ColumnSource => ({ name, data, type: "INT32" });

/**
 * The columns of Altinn's `DailyEmailMetricsRecord` / `DailySmsMetricsRecord`, in their order. Ids are varsel's
 * UUIDs (Altinn's are database sequence numbers); an SMS's mobile number is cut to its country code.
 */
function columns(
  channel: NotificationDocument["channel"],
  notifications: NotificationDocument[],
  orders: Map<string, OrderDocument | undefined>,
) {
  const order = (n: NotificationDocument) => orders.get(n.orderId);
  const common = [
    text(
      "ShipmentId",
      notifications.map((n) => n.orderId),
    ),
    text(
      "SendersReference",
      notifications.map((n) => order(n)?.sendersReference ?? ""),
    ),
    text(
      "RequestedSendTime",
      notifications.map((n) => order(n)?.requestedSendTime ?? ""),
    ),
    text(
      "CreatorName",
      notifications.map((n) => n.creator),
    ),
    text(
      "ResourceId",
      notifications.map((n) => order(n)?.resourceId),
    ),
    text(
      "Result",
      notifications.map((n) => n.status),
    ),
  ];
  if (channel === "email") {
    return [
      text(
        "EmailId",
        notifications.map((n) => n.id),
      ),
      ...common,
      text(
        "OperationId",
        notifications.map((n) => n.reference ?? ""),
      ),
    ];
  }
  const segments = notifications.map((n) => countSmsSegments(n.body).segments);
  return [
    text(
      "SmsId",
      notifications.map((n) => n.id),
    ),
    ...common,
    text(
      "GatewayReference",
      notifications.map((n) => n.reference ?? ""),
    ),
    text(
      "Rate",
      notifications.map(() => "standard"),
    ),
    text(
      "MobileNumberPrefix",
      notifications.map((n) => /^\+\d{2}/.exec(n.recipient.address ?? "")?.[0] ?? ""),
    ),
    int("AltinnSmsCount", segments),
    int(
      "AltinnSmsBodyLength",
      notifications.map((n) => n.body.length),
    ),
    int(
      "AltinnSmsCustomBodyLength",
      notifications.map((n) => n.body.length),
    ),
  ];
}

/** Yesterday's (UTC) notifications on the channel as Altinn's daily Parquet file. */
export async function dailyUsageFile(
  deps: UsageDeps,
  channel: NotificationDocument["channel"],
  environment: string,
): Promise<DailyUsageFile> {
  const now = deps.clock.now();
  const day = new Date(startOfUtcDay(now).getTime() - dayMs);
  const notifications = await deps.usageMetrics.notificationsCreated(
    channel,
    day,
    new Date(day.getTime() + dayMs),
  );
  const orders = await ordersOf(deps, notifications);
  const content = new Uint8Array(parquetWriteBuffer({ columnData: columns(channel, notifications, orders) }));
  const stamp = day.toISOString().slice(0, 10).replaceAll("-", "");
  return {
    fileName: `${stamp}_${channel}_notifications_${environment}.parquet`,
    content,
    md5: createHash("md5").update(content).digest("base64"),
    rows: notifications.length,
    generatedAt: now.toISOString(),
  };
}

/** Notifications per organisation and channel in one calendar month (UTC), Altinn's monthly metrics. */
export async function monthlyUsage(deps: UsageDeps, year: number, month: number): Promise<UsageCount[]> {
  const from = new Date(Date.UTC(year, month - 1, 1));
  const to = new Date(Date.UTC(year, month, 1));
  const counts = await deps.usageMetrics.countsByCreator(from, to);
  return counts.sort((a, b) => a.creator.localeCompare(b.creator) || a.channel.localeCompare(b.channel));
}
