import { afterAll, beforeAll, beforeEach } from "vitest";
import type { EmailMessage, EmailSendOutcome, EmailSender } from "../../shared/ports/emailSender";
import type { SmsMessage, SmsSendOutcome, SmsSender } from "../../shared/ports/smsSender";
import type { DeliveryReportParser } from "../../shared/ports/deliveryReportParser";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import { startTestCosmos, type TestCosmos } from "./cosmos";
import type { sampleEmail, sampleSms } from "./notifications";
import { sampleOrder } from "./orders";
import { cosmosStores, ManualClock, RecordingPublisher } from "./pipeline";

/** Sends as scripted by `next`, else accepts; records what it was given. */
class ScriptedEmailSender implements EmailSender {
  sent: EmailMessage[] = [];
  next: Array<() => EmailSendOutcome> = [];
  async send(message: EmailMessage): Promise<EmailSendOutcome> {
    const step = this.next.shift();
    const outcome = step ? step() : { outcome: "accepted" as const, operationId: message.notificationId };
    this.sent.push(message);
    return outcome;
  }
}
class ScriptedSmsSender implements SmsSender {
  sent: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<SmsSendOutcome> {
    this.sent.push(message);
    return { outcome: "accepted", gatewayReference: `gw-${this.sent.length}` };
  }
  async sendMany(messages: SmsMessage[]): Promise<SmsSendOutcome[]> {
    return Promise.all(messages.map((m) => this.send(m)));
  }
}

/** Reports as plain objects: `{ reference, status }`, so these tests do not depend on provider formats. */
const simpleParser: DeliveryReportParser = (provider, payload) => {
  const { reference, status } = payload as { reference: string; status: string };
  return [
    { valid: true, provider, reference, status, raw: payload } as ReturnType<DeliveryReportParser>[number],
  ];
};

let cosmos: TestCosmos;
// Live bindings: each test sees the stores, publisher and senders its beforeEach made.
export let stores: ReturnType<typeof cosmosStores>;
export let publisher: RecordingPublisher;
export let email: ScriptedEmailSender;
let sms: ScriptedSmsSender;
export const t0 = "2026-11-23T10:00:00.000Z";
export const clock = new ManualClock(new Date(t0));

/** One embedded Cosmos DB for the test file, a fresh database and fresh fakes for each test. */
export function useSendAndReportFixture(): void {
  beforeAll(async () => {
    cosmos = await startTestCosmos();
  });
  afterAll(() => cosmos.close());
  beforeEach(async () => {
    stores = cosmosStores(await cosmos.freshDatabase());
    publisher = new RecordingPublisher();
    email = new ScriptedEmailSender();
    sms = new ScriptedSmsSender();
    clock.set(t0);
  });
}

export const deps = () => ({
  ...stores,
  publisher,
  clock,
  emailSender: email,
  smsSender: sms,
  parseReport: simpleParser,
  sendingWindow: defaultSendingWindow,
});

export async function processedOrderWith(
  ...notifications: Array<ReturnType<typeof sampleEmail> | ReturnType<typeof sampleSms>>
) {
  // As processing leaves a small order: it lists its notifications, so reports complete it.
  const order = sampleOrder({
    status: "Processed",
    requestedSendTime: t0,
    notificationIds: notifications.map((n) => n.id),
  });
  await stores.orders.createOrder(order);
  await stores.notifications.createMany(notifications.map((n) => ({ ...n, orderId: order.id })));
  return order;
}
