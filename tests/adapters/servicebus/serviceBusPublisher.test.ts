/**
 * The Service Bus publisher driven through the real `@azure/service-bus` SDK against the in-memory
 * AMQP broker fixture: what arrives on the wire, how it is batched, and how broker failures surface.
 */
import { createServer } from "node:net";
import type { RetryOptions } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusPublisher } from "../../../shared/adapters/servicebus/serviceBusPublisher";
import { AppError, isAppError } from "../../../shared/errors";
import { queues } from "../../../shared/platform/resources";
import type { OutgoingMessage } from "../../../shared/ports/publisher";
import { startAmqpBroker, type AmqpBroker } from "../../support/amqpBroker";

/** The SDK defaults retry for minutes; failure tests need the verdict in well under a second. */
const fastRetry: RetryOptions = {
  maxRetries: 1,
  retryDelayInMs: 10,
  maxRetryDelayInMs: 10,
  timeoutInMs: 2_000,
};
/** Generous bound for "fails fast": far below the SDK's default retry budget, far above the expected ~100 ms. */
const fastFailureMs = 5_000;
/** A data section around an encoded message of more than 255 bytes costs 8 bytes (descriptor + vbin32 header). */
const largeSectionOverhead = 8;

let broker: AmqpBroker;
let publisher: ServiceBusPublisher;
const closers: Array<() => Promise<void>> = [];

/** Each test gets its own publisher (and connection) so one test's failure state cannot leak into another. */
function newPublisher(connectionString = broker.connectionString): ServiceBusPublisher {
  const created = new ServiceBusPublisher(connectionString, { retryOptions: fastRetry });
  closers.push(() => created.close());
  return created;
}

/** A port nothing listens on: bind an ephemeral one, then release it. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

async function failureOf(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error("expected the publish to fail");
}

beforeAll(async () => {
  broker = await startAmqpBroker();
  publisher = newPublisher();
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await broker?.close();
});

describe("ServiceBusPublisher against an AMQP broker, through the real SDK", () => {
  it("delivers each message to its queue with its messageId, JSON body, correlationId and content type", async () => {
    await publisher.publish("sendEmail", [
      { messageId: "email:n1", body: { notificationId: "n1", attempt: 1 }, correlationId: "order-1" },
      { messageId: "email:n2", body: { notificationId: "n2", tags: ["a", "b"] } },
    ]);
    await publisher.publish("sendSms", [
      { messageId: "sms:n3", body: { notificationId: "n3" }, correlationId: "order-2" },
    ]);

    expect(broker.received(queues.sendEmail.name)).toEqual([
      {
        messageId: "email:n1",
        body: { notificationId: "n1", attempt: 1 },
        correlationId: "order-1",
        contentType: "application/json",
      },
      // No correlation id given: none on the wire (not an empty string).
      {
        messageId: "email:n2",
        body: { notificationId: "n2", tags: ["a", "b"] },
        contentType: "application/json",
      },
    ]);
    expect(broker.received(queues.sendSms.name)).toEqual([
      {
        messageId: "sms:n3",
        body: { notificationId: "n3" },
        correlationId: "order-2",
        contentType: "application/json",
      },
    ]);
  });

  it("publishes nothing for an empty list", async () => {
    await publisher.publish("deliveryReports", []);
    expect(broker.transfers(queues.deliveryReports.name)).toEqual([]);
  });

  it("packs many messages into as few batches as fit under the broker's size limit and loses none", async () => {
    // About 1 KB each, so 600 messages need several 256 KiB batches.
    const messages: OutgoingMessage[] = Array.from({ length: 600 }, (_, i) => ({
      messageId: `process:order-${String(i).padStart(4, "0")}:0`,
      body: { orderId: `order-${i}`, note: "x".repeat(900) },
      correlationId: `order-${i}`,
    }));

    await publisher.publish("processOrder", messages);

    const transfers = broker.transfers(queues.processOrder.name);
    const received = broker.received(queues.processOrder.name);
    expect(received.map((m) => m.messageId)).toEqual(messages.map((m) => m.messageId));
    expect(received.map((m) => m.body)).toEqual(messages.map((m) => m.body));
    expect(transfers.length).toBeGreaterThan(1);
    expect(transfers.every((t) => t.batch && t.bytes <= broker.maxMessageSize)).toBe(true);
    // Greedy packing: each batch was closed only because the next message would not have fitted.
    for (let i = 0; i + 1 < transfers.length; i++) {
      const next = transfers[i + 1]!.messageBytes[0]!;
      expect(transfers[i]!.bytes + next + largeSectionOverhead).toBeGreaterThan(broker.maxMessageSize);
    }
    expect(broker.rejected(queues.processOrder.name)).toBe(0);
  });

  it("carries a scheduled message's enqueue time and leaves an immediate one unscheduled", async () => {
    const due = new Date("2030-01-02T08:00:00.000Z");

    await publisher.publish("sendEmail", [
      { messageId: "email:scheduled", body: { notificationId: "s1" }, scheduledEnqueueTime: due },
      { messageId: "email:now", body: { notificationId: "s2" } },
    ]);

    const byId = new Map(broker.received(queues.sendEmail.name).map((m) => [m.messageId, m]));
    expect(byId.get("email:scheduled")?.scheduledEnqueueTimeUtc?.toISOString()).toBe(due.toISOString());
    expect(byId.get("email:now")).toBeDefined();
    expect(byId.get("email:now")?.scheduledEnqueueTimeUtc).toBeUndefined();
  });

  it("reports a broker that refuses the messages as a transient AppError, fast, and recovers when it accepts again", async () => {
    const queue = queues.deliveryReports.name;
    const refusing = newPublisher();
    broker.refuse(queue, { condition: "com.microsoft:server-busy", description: "throttled by the test" });

    const { error, ms } = await failureOf(
      refusing.publish("deliveryReports", [{ messageId: "r1", body: { n: 1 } }]),
    );

    expect(error).toBeInstanceOf(AppError);
    expect(isAppError(error, "transient")).toBe(true);
    expect((error as AppError).message).toContain(queue);
    expect(ms).toBeLessThan(fastFailureMs);
    expect(broker.rejected(queue)).toBe(fastRetry.maxRetries! + 1);
    expect(broker.received(queue)).toEqual([]);

    // The cached sender stays usable: the retry that follows a transient failure goes through.
    broker.accept(queue);
    await refusing.publish("deliveryReports", [{ messageId: "r1", body: { n: 1 } }]);
    expect(broker.received(queue).map((m) => m.messageId)).toEqual(["r1"]);
  });

  it("reports an unreachable broker as a transient AppError, fast", async () => {
    const port = await unusedPort();
    const unreachable = newPublisher(broker.connectionString.replace(`:${broker.port};`, `:${port};`));

    const { error, ms } = await failureOf(unreachable.publish("sendSms", [{ messageId: "u1", body: {} }]));

    expect(error).toBeInstanceOf(AppError);
    expect(isAppError(error, "transient")).toBe(true);
    expect((error as AppError).cause).toBeDefined();
    expect(ms).toBeLessThan(fastFailureMs);
  });
});
