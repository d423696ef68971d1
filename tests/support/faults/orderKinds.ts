import type { ApiClient } from "../localService";

/** An HTTP client that retries a request answered with a 5xx, as a real client does (same body). */
export interface RetryingClient {
  /** The final answer; `failedAttempts` counts the 5xx answers before it. */
  send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; failedAttempts: number }>;
}

export function retryingClient(api: ApiClient, attempts = 6): RetryingClient {
  return {
    async send(method, path, body) {
      let failedAttempts = 0;
      for (;;) {
        const response = await api.request(method, path, body);
        if (response.status < 500 || failedAttempts + 1 >= attempts)
          return { status: response.status, body: response.body, failedAttempts };
        failedAttempts += 1;
      }
    },
  };
}

export interface KindInput {
  client: RetryingClient;
  /** Unique per run; appears in every subject and body, so the run's messages can be told apart. */
  tag: string;
  runNumber: number;
  now: Date;
  conditionUrl: string;
}

/** What a kind submitted and what must come of it. */
export interface Submitted {
  /** Every shipment of the order (main first, then reminders), with the final status it must reach. */
  shipments: Array<{ id: string; final: string; lifecycle: string[]; optional?: string[] }>;
  /** The emails (`to|subject`) and SMS (`to|body`) that must be handed to the provider. */
  emails: string[];
  sms: string[];
  /** Milliseconds after the start at which the last shipment is sent (reminders). */
  lastSendAfterMs: number;
}

export interface OrderKind {
  name: string;
  submit(input: KindInput): Promise<Submitted>;
}

const day = 24 * 3_600_000;
const pipeline = ["Order_Processing", "Order_Processed", "Order_Completed"];

export class RequestFailed extends Error {}

function expectAccepted(what: string, response: { status: number; body: unknown; failedAttempts: number }) {
  if (response.status !== 200 && response.status !== 201)
    throw new RequestFailed(
      `${what} answered ${response.status} after ${response.failedAttempts} retried 5xx: ${JSON.stringify(response.body)}`,
    );
}

interface Receipt {
  notificationOrderId: string;
  notification: { shipmentId: string; reminders?: Array<{ shipmentId: string }> };
}

async function postOrder(input: KindInput, request: Record<string, unknown>): Promise<Receipt> {
  const response = await input.client.send("POST", "/future/orders", {
    idempotencyId: `fault-${input.tag}`,
    sendersReference: input.tag,
    ...request,
  });
  expectAccepted("POST future/orders", response);
  return response.body as Receipt;
}

const email = (subject: string) => ({ subject, body: "Body" });
const sms = (body: string) => ({ body, sendingTimePolicy: "Anytime" });
const mobile = (runNumber: number) => `+4791${String(runNumber % 1_000_000).padStart(6, "0")}`;

function single(id: string, emails: string[], smsList: string[] = []): Submitted {
  return {
    shipments: [{ id, final: "Order_Completed", lifecycle: pipeline }],
    emails,
    sms: smsList,
    lastSendAfterMs: 0,
  };
}

export const orderKinds: OrderKind[] = [
  {
    name: "plain email",
    async submit(input) {
      const address = `${input.tag}@example.net`;
      const subject = `Plain [${input.tag}]`;
      const receipt = await postOrder(input, {
        recipient: { recipientEmail: { emailAddress: address, emailSettings: email(subject) } },
      });
      return single(receipt.notification.shipmentId, [`${address}|${subject}`]);
    },
  },
  {
    name: "plain SMS",
    async submit(input) {
      const phone = mobile(input.runNumber);
      const body = `Plain SMS [${input.tag}]`;
      const receipt = await postOrder(input, {
        recipient: { recipientSms: { phoneNumber: phone, smsSettings: sms(body) } },
      });
      return single(receipt.notification.shipmentId, [], [`${phone}|${body}`]);
    },
  },
  {
    name: "person",
    async submit(input) {
      const text = `To Kari [${input.tag}]`;
      const receipt = await postOrder(input, {
        recipient: {
          recipientPerson: {
            nationalIdentityNumber: "15838510075",
            channelSchema: "EmailPreferred",
            emailSettings: email(text),
            smsSettings: sms(text),
          },
        },
      });
      return single(receipt.notification.shipmentId, [`kari.nordmann@example.com|${text}`]);
    },
  },
  {
    name: "organisation",
    async submit(input) {
      const text = (name: string) => `Til ${name} [${input.tag}]`;
      const receipt = await postOrder(input, {
        recipient: {
          recipientOrganization: {
            orgNumber: "310000027",
            channelSchema: "EmailPreferred",
            emailSettings: email(text("$recipientName$")),
            smsSettings: sms(text("$recipientName$")),
          },
        },
      });
      return single(receipt.notification.shipmentId, [`postmottak@example.org|${text("Prøvekommunen")}`]);
    },
  },
  {
    name: "reminder + send condition",
    async submit(input) {
      const address = `${input.tag}@example.net`;
      const main = `Main [${input.tag}]`;
      const reminder = `Reminder [${input.tag}]`;
      const receipt = await postOrder(input, {
        conditionEndpoint: `${input.conditionUrl}/yes`,
        recipient: { recipientEmail: { emailAddress: address, emailSettings: email(main) } },
        reminders: [
          {
            delayDays: 1,
            recipient: { recipientEmail: { emailAddress: address, emailSettings: email(reminder) } },
          },
        ],
      });
      const reminderId = receipt.notification.reminders?.[0]?.shipmentId;
      if (!reminderId) throw new RequestFailed("the receipt lists no reminder");
      return {
        shipments: [
          { id: receipt.notification.shipmentId, final: "Order_Completed", lifecycle: pipeline },
          { id: reminderId, final: "Order_Completed", lifecycle: pipeline },
        ],
        emails: [`${address}|${main}`, `${address}|${reminder}`],
        sms: [],
        lastSendAfterMs: day,
      };
    },
  },
  {
    // Twelve contact addresses: the sends go in a batch (one message, one claim).
    name: "organisation with 12 addresses (a batch)",
    async submit(input) {
      const subject = `Til filialene [${input.tag}]`;
      const receipt = await postOrder(input, {
        recipient: {
          recipientOrganization: {
            orgNumber: "310000043",
            channelSchema: "Email",
            emailSettings: email(subject),
          },
        },
      });
      const addresses = Array.from(
        { length: 12 },
        (_, i) => `filial${String(i + 1).padStart(2, "0")}.bibliotek@example.org`,
      );
      return single(
        receipt.notification.shipmentId,
        addresses.map((address) => `${address}|${subject}`),
      );
    },
  },
  {
    name: "cancelled",
    async submit(input) {
      const address = `${input.tag}@example.net`;
      const receipt = await postOrder(input, {
        requestedSendTime: new Date(input.now.getTime() + day).toISOString(),
        recipient: {
          recipientEmail: { emailAddress: address, emailSettings: email(`Never [${input.tag}]`) },
        },
      });
      const cancel = await input.client.send("PUT", `/future/orders/${receipt.notificationOrderId}/cancel`);
      expectAccepted("PUT future/orders/{id}/cancel", cancel);
      return {
        shipments: [
          { id: receipt.notification.shipmentId, final: "Order_Cancelled", lifecycle: ["Order_Cancelled"] },
        ],
        emails: [],
        sms: [],
        lastSendAfterMs: day,
      };
    },
  },
  {
    name: "instant SMS",
    async submit(input) {
      const phone = mobile(input.runNumber);
      const body = `Code [${input.tag}]`;
      const response = await input.client.send("POST", "/future/orders/instant/sms", {
        idempotencyId: `fault-${input.tag}`,
        sendersReference: input.tag,
        recipientSms: { phoneNumber: phone, timeToLiveInSeconds: 360, smsSettings: { body } },
      });
      expectAccepted("POST future/orders/instant/sms", response);
      const receipt = response.body as Receipt;
      return {
        // Stored already claimed, with its Processing entry (appended by the request or its retry, else the sweeper).
        shipments: [{ id: receipt.notification.shipmentId, final: "Order_Completed", lifecycle: pipeline }],
        emails: [],
        sms: [`${phone}|${body}`],
        lastSendAfterMs: 0,
      };
    },
  },
];
