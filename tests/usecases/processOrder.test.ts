import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CosmosContactRegistry,
  upsertRegistryDocuments,
} from "../../shared/adapters/cosmos/cosmosContactRegistry";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import { containers } from "../../shared/platform/resources";
import type { EmailMessage } from "../../shared/ports/emailSender";
import type { SendConditionChecker, SendConditionResult } from "../../shared/ports/sendCondition";
import type { SmsMessage } from "../../shared/ports/smsSender";
import { processOrder } from "../../shared/usecases/processOrder";
import sampleRegistry from "../../shared/local/sampleRegistry.json";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { sampleOrder } from "../support/orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "../support/pipeline";

class ScriptedConditions implements SendConditionChecker {
  answers: SendConditionResult[] = [];
  calls = 0;
  async check(): Promise<SendConditionResult> {
    this.calls += 1;
    return this.answers.shift() ?? { outcome: "send" };
  }
}

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
let contacts: CosmosContactRegistry;
let publisher: RecordingPublisher;
let conditions: ScriptedConditions;
// A Monday at 10:00 in Oslo: inside the daytime window.
const t0 = "2026-11-23T09:00:00.000Z";
const clock = new ManualClock(new Date(t0));

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());
beforeEach(async () => {
  const database = await cosmos.freshDatabase();
  stores = cosmosStores(database);
  contacts = new CosmosContactRegistry(database.container(containers.registry.name));
  await upsertRegistryDocuments(database.container(containers.registry.name), sampleRegistry);
  publisher = new RecordingPublisher();
  conditions = new ScriptedConditions();
  sentEmails = [];
  sentSms = [];
  clock.set(t0);
});

let sentEmails: EmailMessage[];
let sentSms: SmsMessage[];

const deps = () => ({
  ...stores,
  contacts,
  publisher,
  conditions,
  clock,
  sendingWindow: defaultSendingWindow,
  emailSender: {
    send: async (m: EmailMessage) => {
      sentEmails.push(m);
      return { outcome: "accepted" as const, operationId: m.notificationId };
    },
  },
  smsSender: {
    send: async () => Promise.reject(new Error("SMS go in one submission")),
    sendMany: async (ms: SmsMessage[]) => {
      sentSms.push(...ms);
      return ms.map((_, i) => ({
        outcome: "accepted" as const,
        gatewayReference: `gw-${sentSms.length - i}`,
      }));
    },
  },
});

async function processing(overrides: Parameters<typeof sampleOrder>[0]) {
  const order = sampleOrder({ requestedSendTime: t0, status: "Processing", ...overrides });
  await stores.orders.createOrder(order);
  return order;
}

const smsTemplate = {
  senderNumber: "Varsel",
  body: "Hei $recipientName$",
  sendingTimePolicy: "Daytime" as const,
};

describe("processOrder", () => {
  it("writes one notification per address and sends one due now itself, and a redelivery creates and sends nothing twice", async () => {
    const order = await processing({
      notificationChannel: "EmailPreferred",
      recipients: [{ organizationNumber: "310000019" }],
      smsTemplate,
      emailTemplate: {
        fromAddress: "a@varsel.local",
        subject: "Til $recipientName$ ($recipientNumber$)",
        body: "b",
        contentType: "Plain",
        sendingTimePolicy: "Anytime",
      },
    });
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const first = await stores.notifications.listByOrder(order.id);
    expect(first.map((n) => [n.channel, n.recipient.address, n.status])).toEqual([
      ["email", "post@example.com", "Succeeded"],
    ]);
    expect(first[0]).toMatchObject({ subject: "Til Eksempel AS (310000019)" });
    expect(sentEmails.map((m) => m.notificationId)).toEqual([first[0]!.id]);
    expect(publisher.on("sendEmail")).toEqual([]);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Processed");

    // Redelivery after the order moved on is a no-op; a redelivery before it (crash) rebuilds the same ids
    // and sends nothing again: the notification it finds goes by a send message, which finds it sent.
    await stores.orders.updateOrder((await stores.orders.getOrder(order.id))!, { status: "Processing" });
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    expect((await stores.notifications.listByOrder(order.id)).map((n) => [n.id, n.status])).toEqual(
      first.map((n) => [n.id, "Succeeded"]),
    );
    expect(sentEmails).toHaveLength(1);
    expect(publisher.on("sendEmail").map((m) => m.messageId)).toEqual([`send:${first[0]!.id}`]);
  });

  it("names the one email of an order to one person by the order, and stores no delivery reference for it", async () => {
    const person = await processing({
      naming: "emailByOrder",
      notificationChannel: "EmailAndSms",
      recipients: [{ nationalIdentityNumber: "15838510075" }],
      smsTemplate,
    });
    await processOrder(deps(), { orderId: person.id, conditionAttempt: 1 });
    const [email] = (await stores.notifications.listByOrder(person.id)).filter((n) => n.channel === "email");
    expect(email?.id).toBe(person.id);
    expect(sentEmails.map((m) => m.notificationId)).toEqual([person.id]);
    expect(await stores.references.get("acs", person.id)).toBeUndefined();

    // An organisation may have many addresses, and an order registered before the naming may have its email
    // already: each email is named by its address.
    const organisation = await processing({
      naming: "emailByOrder",
      recipients: [{ organizationNumber: "310000019" }],
    });
    const older = await processing({ recipients: [{ emailAddress: "older@example.com" }] });
    for (const order of [organisation, older]) {
      await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
      const emails = await stores.notifications.listByOrder(order.id);
      expect(emails.length).toBeGreaterThan(0);
      for (const n of emails) {
        expect(n.id).not.toBe(order.id);
        expect(await stores.references.get("acs", n.id)).toMatchObject({ orderId: order.id });
      }
    }
  });

  it("completes an order at once when every recipient is reserved or unidentified", async () => {
    const order = await processing({
      notificationChannel: "Sms",
      recipients: [{ nationalIdentityNumber: "24926810061" }, { nationalIdentityNumber: "30859910013" }],
      smsTemplate,
      emailTemplate: undefined,
    });
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const statuses = (await stores.notifications.listByOrder(order.id)).map((n) => n.status).sort();
    expect(statuses).toEqual(["Failed_RecipientNotIdentified", "Failed_RecipientReserved"]);
    expect(publisher.published).toHaveLength(0);
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Completed");
  });

  it("keeps a person's number out of SMS text and schedules a Daytime SMS for the next window", async () => {
    clock.set("2026-11-21T20:00:00.000Z"); // Saturday 21:00 in Oslo
    const order = await processing({
      requestedSendTime: "2026-11-21T20:00:00.000Z",
      notificationChannel: "Sms",
      recipients: [{ nationalIdentityNumber: "15838510075" }],
      smsTemplate: { ...smsTemplate, body: "Hei $recipientName$ $recipientNumber$." },
      emailTemplate: undefined,
    });
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    const [sms] = await stores.notifications.listByOrder(order.id);
    expect(sms).toMatchObject({ body: "Hei Kari Nordmann .", sendAfter: "2026-11-23T08:00:00.000Z" });
    expect(publisher.on("sendSms")[0]?.scheduledEnqueueTime?.toISOString()).toBe("2026-11-23T08:00:00.000Z");
  });

  it("stops an order whose condition says no, and retries an inconclusive condition once before its policy applies", async () => {
    const no = await processing({ conditionEndpoint: "https://owner.example/cond" });
    conditions.answers.push({ outcome: "skip" });
    await processOrder(deps(), { orderId: no.id, conditionAttempt: 1 });
    expect((await stores.orders.getOrder(no.id))?.status).toBe("SendConditionNotMet");

    const flaky = await processing({
      conditionEndpoint: "https://owner.example/cond",
      conditionFailurePolicy: "skip",
    });
    conditions.answers.push(
      { outcome: "error", reason: "timeout" },
      { outcome: "error", reason: "HTTP 500" },
    );
    await processOrder(deps(), { orderId: flaky.id, conditionAttempt: 1 });
    const [retry] = publisher.on("processOrder");
    expect(retry?.body).toEqual({ orderId: flaky.id, conditionAttempt: 2 });
    expect(retry?.scheduledEnqueueTime?.getTime()).toBe(Date.parse(t0) + 60_000);
    expect((await stores.orders.getOrder(flaky.id))?.status).toBe("Processing");
    await processOrder(deps(), { orderId: flaky.id, conditionAttempt: 2 });
    const after = await stores.orders.getOrder(flaky.id);
    expect(after?.status).toBe("SendConditionNotMet");
    expect(after?.statusReason).toContain("conditionFailurePolicy skip");
  });

  it("sends anyway after two condition errors under the default policy", async () => {
    const order = await processing({ conditionEndpoint: "https://owner.example/cond" });
    conditions.answers.push({ outcome: "error", reason: "x" });
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 2 });
    expect((await stores.orders.getOrder(order.id))?.status).toBe("Processed");
    expect(sentEmails).toHaveLength(1);
  });

  it("does nothing for an order that was cancelled before its message arrived", async () => {
    const order = await processing({ status: "Cancelled" });
    await processOrder(deps(), { orderId: order.id, conditionAttempt: 1 });
    expect(await stores.notifications.listByOrder(order.id)).toEqual([]);
    expect(conditions.calls).toBe(0);
  });
});
