/**
 * The load of the kill-and-restart test: orders with one unique recipient each, sent through the HTTP API a
 * few at a time, and readers for what a client and a developer can see afterwards (shipments, the status
 * feed, the outbox file).
 */
import { existsSync, readFileSync } from "node:fs";
import type { ApiClient } from "./localService";

export type Channel = "email" | "sms";

export interface CrashOrder {
  idempotencyId: string;
  body: Record<string, unknown>;
  channel: Channel;
  /** Where its one message must go: a lower-case address, or an SMS number as digits only. */
  recipient: string;
  kind: "email" | "sms" | "person";
}

export interface Receipt {
  notificationOrderId: string;
  notification: { shipmentId: string; sendersReference?: string };
}

export interface Shipment {
  status: string;
  recipients: Array<{ type: string; destination: string; status: string }>;
}

export interface FeedEntry {
  sequenceNumber: number;
  shipmentId: string;
  status: string;
}

export interface Captured {
  channel: Channel;
  to: string;
}

/** Persons of the sample register (shared/local/sampleRegistry.json) with the channel each one gets. */
const persons = [
  { nin: "15838510075", schema: "EmailPreferred", channel: "email", recipient: "kari.nordmann@example.com" },
  { nin: "02879110001", schema: "SmsPreferred", channel: "sms", recipient: "4741000002" },
  { nin: "30859910013", schema: "EmailPreferred", channel: "email", recipient: "ingrid.epost@example.org" },
  { nin: "11840210040", schema: "SmsPreferred", channel: "sms", recipient: "4741000005" },
] as const;

/** Digits of a phone number or the lower-cased address: how a capture is matched to its order. */
export function recipientKey(channel: Channel, to: string): string {
  return channel === "sms" ? to.replace(/\D/g, "") : to.trim().toLowerCase();
}

/**
 * `count` orders for `sendAt`: the four sample persons spread through the run, the rest three plain emails
 * to two plain SMS (Anytime, so the daytime window never holds one back), each to its own recipient.
 */
export function crashOrders(runId: string, count: number, sendAt: string): CrashOrder[] {
  const personAt = new Map(persons.map((p, i) => [Math.floor(((i + 0.5) * count) / persons.length), p]));
  const orders: CrashOrder[] = [];
  for (let i = 0; i < count; i += 1) {
    const idempotencyId = `crash-${runId}-${i}`;
    const common = { idempotencyId, sendersReference: `crash-${i}`, requestedSendTime: sendAt };
    const emailSettings = { subject: `Crash test ${i}`, body: `Message ${i} of ${runId}.` };
    const smsSettings = { body: `Message ${i} of ${runId}.`, sendingTimePolicy: "Anytime" };
    const person = personAt.get(i);
    if (person) {
      orders.push({
        idempotencyId,
        kind: "person",
        channel: person.channel,
        recipient: person.recipient,
        body: {
          ...common,
          recipient: {
            recipientPerson: {
              nationalIdentityNumber: person.nin,
              channelSchema: person.schema,
              emailSettings,
              smsSettings,
            },
          },
        },
      });
    } else if (i % 5 < 3) {
      const emailAddress = `order-${i}@crash.example.net`;
      orders.push({
        idempotencyId,
        kind: "email",
        channel: "email",
        recipient: emailAddress,
        body: { ...common, recipient: { recipientEmail: { emailAddress, emailSettings } } },
      });
    } else {
      // +47 93 00 00 00 onwards: Norwegian mobile numbers no sample person has.
      const phoneNumber = `+479${String(3_000_000 + i)}`;
      orders.push({
        idempotencyId,
        kind: "sms",
        channel: "sms",
        recipient: recipientKey("sms", phoneNumber),
        body: { ...common, recipient: { recipientSms: { phoneNumber, smsSettings } } },
      });
    }
  }
  return orders;
}

/** Runs `work` over `items`, at most `limit` at once; rejects with the first failure. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lines in the outbox file: how many messages the local ACS and LINK fakes have captured. */
export function countCaptures(path: string): number {
  if (!existsSync(path)) return 0;
  const bytes = readFileSync(path);
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines += 1;
  return lines;
}

/** The captures in the outbox file (complete lines only: a torn last line was never acknowledged). */
export function readCaptures(path: string): Captured[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  return complete
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Captured);
}

/** Captures per recipient key, per channel. */
export function capturesByRecipient(captures: Captured[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of captures) {
    const key = `${c.channel}:${recipientKey(c.channel, c.to)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export async function getShipment(api: ApiClient, shipmentId: string): Promise<Shipment> {
  const response = await api.request("GET", `/future/shipment/${shipmentId}`);
  if (response.status !== 200) {
    throw new Error(`GET future/shipment/${shipmentId}: ${response.status} ${response.text}`);
  }
  return response.body as Shipment;
}

/** Every feed entry after the exclusive cursor `seq`, paging through 500 at a time. */
export async function readFeed(api: ApiClient, seq: number): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  for (let cursor = seq; ;) {
    const response = await api.request(
      "GET",
      `/future/shipment/feed?seq=${cursor}&pageSize=500&allTransitions=true`,
    );
    if (response.status !== 200)
      throw new Error(`GET future/shipment/feed: ${response.status} ${response.text}`);
    const page = response.body as FeedEntry[];
    entries.push(...page);
    if (page.length < 500) return entries;
    cursor = page[page.length - 1]!.sequenceNumber;
  }
}

/** Recipient statuses that wait for a delivery report: the provider took the message. */
export const awaitingReport = new Set(["Email_Succeeded", "SMS_Accepted"]);
/** Recipient statuses that mean the message was never handed over (or may not have been). */
export const notYetSent = new Set(["Email_New", "Email_Sending", "SMS_New", "SMS_Sending"]);
