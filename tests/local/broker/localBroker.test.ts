import { afterEach, describe, expect, it, vi } from "vitest";
import { parseIsoDuration } from "../../../shared/local/broker/isoDuration";
import {
  LocalBroker,
  MessageLockLostError,
  maxDeliveryCountExceeded,
  type ReceivedMessage,
} from "../../../shared/local/broker/localBroker";
import { systemClock } from "../../../shared/ports/clock";
import { gate, ManualClock, testQueues } from "../manualClock";

function brokerWithClock(options: { duplicateDelivery?: boolean } = {}) {
  const clock = new ManualClock();
  const broker = new LocalBroker({ clock, queues: testQueues, timers: false, ...options });
  return { clock, broker };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("parseIsoDuration", () => {
  it("When given the Service Bus duration forms, then returns milliseconds", () => {
    expect(parseIsoDuration("PT5M")).toBe(300_000);
    expect(parseIsoDuration("PT30S")).toBe(30_000);
    expect(parseIsoDuration("PT0.5S")).toBe(500);
    expect(parseIsoDuration("P1DT2H")).toBe(26 * 3_600_000);
  });

  it("When given something else, then throws", () => {
    for (const text of ["5M", "P", "PT", "P1M", "P1W", ""]) expect(() => parseIsoDuration(text)).toThrow();
  });
});

describe("LocalBroker peek-lock", () => {
  it("When a message is received, then it is locked with delivery count 1 and a copy of the body", async () => {
    const { clock, broker } = brokerWithClock();
    const body = { orderId: "o-1", nested: { n: 1 } };
    await broker.publish("sendEmail", [{ messageId: "m-1", body, correlationId: "o-1" }]);
    body.nested.n = 2;

    const [message] = broker.receive("send-email", 5);

    expect(message).toMatchObject({
      messageId: "m-1",
      body: { orderId: "o-1", nested: { n: 1 } },
      deliveryCount: 1,
      correlationId: "o-1",
      enqueuedTime: clock.now(),
      lockedUntil: new Date(clock.now().getTime() + 30_000),
    });
    expect(broker.receive("send-email", 5)).toEqual([]);
    expect(broker.peek("send-email").map((m) => m.state)).toEqual(["locked"]);
  });

  it("When a message is abandoned, then it is redelivered with the delivery count raised", async () => {
    const { broker } = brokerWithClock();
    await broker.publish("sendEmail", [{ messageId: "m-1", body: 1 }]);

    broker.abandon(firstOf(broker.receive("send-email")).lockToken);
    const second = firstOf(broker.receive("send-email"));
    broker.complete(second.lockToken);

    expect(second.deliveryCount).toBe(2);
    expect(broker.peek("send-email")).toEqual([]);
  });

  it("When a lock expires, then the message is visible again and its old token is lost", async () => {
    const { clock, broker } = brokerWithClock();
    await broker.publish("sendEmail", [{ messageId: "m-1", body: 1 }]);
    const first = firstOf(broker.receive("send-email"));

    clock.advance(30_000);
    expect(broker.receive("send-email")).toEqual([]);
    clock.advance(1);
    const second = firstOf(broker.receive("send-email"));

    expect(second.deliveryCount).toBe(2);
    expect(() => broker.complete(first.lockToken)).toThrow(MessageLockLostError);
    expect(broker.stats().locksExpired).toBe(1);
  });

  it("When every delivery fails, then the message is dead-lettered after maxDeliveryCount", async () => {
    const { clock, broker } = brokerWithClock();
    await broker.publish("sendSms", [{ messageId: "m-1", body: { to: "x" } }]);

    broker.abandon(firstOf(broker.receive("send-sms")).lockToken);
    broker.abandon(firstOf(broker.receive("send-sms")).lockToken);
    firstOf(broker.receive("send-sms"));
    clock.advance(31_000); // the third delivery's lock expires

    expect(broker.receive("send-sms")).toEqual([]);
    expect(broker.deadLetters("send-sms")).toEqual([
      expect.objectContaining({
        messageId: "m-1",
        body: { to: "x" },
        deliveryCount: 3,
        deadLetterReason: maxDeliveryCountExceeded,
      }),
    ]);
    expect(broker.stats().deadLettered).toBe(1);
  });

  it("When a consumer dead-letters a message, then reason and description are kept", async () => {
    const { broker } = brokerWithClock();
    await broker.publish("deliveryReports", [{ messageId: "r-1", body: "report" }]);

    broker.deadLetter(firstOf(broker.receive("delivery-reports")).lockToken, "Unparseable", "not a report");

    expect(broker.deadLetters("delivery-reports")).toEqual([
      expect.objectContaining({
        deadLetterReason: "Unparseable",
        deadLetterErrorDescription: "not a report",
      }),
    ]);
  });
});

describe("LocalBroker publishing", () => {
  it("When a message id repeats inside the window, then the second is dropped; after it, accepted", async () => {
    const { clock, broker } = brokerWithClock();

    await broker.publish("deliveryReports", [{ messageId: "same", body: 1 }]);
    await broker.publish("deliveryReports", [{ messageId: "same", body: 2 }]);
    expect(broker.peek("delivery-reports").map((m) => m.body)).toEqual([1]);

    clock.advance(60_000);
    await broker.publish("deliveryReports", [{ messageId: "same", body: 3 }]);
    expect(broker.peek("delivery-reports").map((m) => m.body)).toEqual([1, 3]);
    expect(broker.stats()).toMatchObject({ publishCalls: 3, published: 2, duplicatesDropped: 1 });
  });

  it("When a message is scheduled, then it is not received before its time", async () => {
    const { clock, broker } = brokerWithClock();
    const due = new Date(clock.now().getTime() + 5 * 60_000);
    await broker.publish("sendEmail", [{ messageId: "later", body: "x", scheduledEnqueueTime: due }]);

    expect(broker.receive("send-email")).toEqual([]);
    expect(broker.peek("send-email")).toEqual([expect.objectContaining({ state: "scheduled" })]);
    clock.advance(5 * 60_000 - 1);
    expect(broker.receive("send-email")).toEqual([]);
    clock.advance(1);

    expect(firstOf(broker.receive("send-email"))).toMatchObject({ messageId: "later", enqueuedTime: due });
  });

  it("When the queue is unknown, then publish, receive and subscribe throw", async () => {
    const { broker } = brokerWithClock();
    const unknownKey = "nope" as unknown as "sendEmail";

    await expect(broker.publish(unknownKey, [])).rejects.toThrow(/no queue/);
    expect(() => broker.receive("nope")).toThrow(/no queue "nope"/);
    expect(() => broker.subscribe("nope", () => undefined)).toThrow(/no queue/);
  });
});

describe("LocalBroker subscriptions", () => {
  it("When a batch subscriber takes messages, then it gets those ready together, up to its batch size, settled as one", async () => {
    const { broker } = brokerWithClock();
    const batches: number[][] = [];
    broker.subscribeBatch(
      "delivery-reports",
      (messages) => {
        batches.push(messages.map((m) => Number(m.body)));
        if (messages.some((m) => m.body === 4 && m.deliveryCount === 1)) throw new Error("transient");
      },
      { concurrency: 1, maxBatchSize: 3 },
    );

    await broker.publish(
      "deliveryReports",
      Array.from({ length: 5 }, (_, n) => ({ messageId: `r-${n}`, body: n })),
    );
    await broker.whenIdle();

    // The second batch failed once: both of its messages came back together, nothing of the first batch did.
    expect(batches).toEqual([
      [0, 1, 2],
      [3, 4],
      [3, 4],
    ]);
    expect(broker.stats()).toMatchObject({ received: 7, completed: 5, abandoned: 2, deadLettered: 0 });
  });

  it("When the handler throws once, then the message is redelivered and then completed", async () => {
    const { broker } = brokerWithClock();
    const seen: number[] = [];
    broker.subscribe("send-email", (message) => {
      seen.push(message.deliveryCount);
      if (message.deliveryCount === 1) throw new Error("transient");
    });

    await broker.publish("sendEmail", [{ messageId: "m-1", body: 1 }]);
    await broker.whenIdle();

    expect(seen).toEqual([1, 2]);
    expect(broker.peek("send-email")).toEqual([]);
    expect(broker.stats()).toMatchObject({ received: 2, abandoned: 1, completed: 1, deadLettered: 0 });
  });

  it("When the handler always throws, then whenIdle resolves with the message dead-lettered", async () => {
    const { broker } = brokerWithClock();
    broker.subscribe("send-sms", () => Promise.reject(new Error("down")));

    await broker.publish("sendSms", [{ messageId: "m-1", body: 1 }]);
    await broker.whenIdle();

    expect(broker.deadLetters("send-sms")).toEqual([
      expect.objectContaining({ deliveryCount: 3, deadLetterReason: maxDeliveryCountExceeded }),
    ]);
  });

  it("When more messages than the concurrency arrive, then no more than that run at once", async () => {
    const { broker } = brokerWithClock();
    const hold = gate();
    let active = 0;
    let maxActive = 0;
    broker.subscribe(
      "send-email",
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await hold.promise;
        active--;
      },
      { concurrency: 2 },
    );

    await broker.publish(
      "sendEmail",
      Array.from({ length: 6 }, (_, n) => ({ messageId: `m-${n}`, body: n })),
    );
    broker.pump();
    await Promise.resolve();
    const idle = broker.whenIdle();
    hold.open();
    await idle;

    expect(maxActive).toBe(2);
    expect(broker.stats().completed).toBe(6);
  });

  it("When a message is scheduled, then whenIdle doesn't wait for it and a pump after its time delivers it", async () => {
    const { clock, broker } = brokerWithClock();
    const delivered: string[] = [];
    broker.subscribe("send-email", (message) => {
      delivered.push(message.messageId);
    });
    const due = new Date(clock.now().getTime() + 60_000);

    await broker.publish("sendEmail", [
      { messageId: "now", body: 1 },
      { messageId: "later", body: 2, scheduledEnqueueTime: due },
    ]);
    await broker.whenIdle();
    expect(delivered).toEqual(["now"]);

    clock.advance(60_000);
    await broker.whenIdle();
    expect(delivered).toEqual(["now", "later"]);
  });

  it("When a handler publishes to another queue, then whenIdle waits for that hop too", async () => {
    const { broker } = brokerWithClock();
    const sent: unknown[] = [];
    broker.subscribe("process-order", async (message) => {
      await broker.publish("sendEmail", [{ messageId: `email-${message.messageId}`, body: message.body }]);
    });
    broker.subscribe("send-email", (message) => {
      sent.push(message.body);
    });

    await broker.publish("processOrder", [{ messageId: "o-1", body: { orderId: "o-1" } }]);
    await broker.whenIdle();

    expect(sent).toEqual([{ orderId: "o-1" }]);
  });

  it("When duplicate delivery is on, then each message reaches the handler twice", async () => {
    const { broker } = brokerWithClock({ duplicateDelivery: true });
    const deliveries: Array<Pick<ReceivedMessage, "messageId" | "deliveryCount">> = [];
    broker.subscribe("send-email", ({ messageId, deliveryCount }) => {
      deliveries.push({ messageId, deliveryCount });
    });

    await broker.publish("sendEmail", [{ messageId: "m-1", body: 1 }]);
    await broker.whenIdle();

    expect(deliveries).toEqual([
      { messageId: "m-1", deliveryCount: 1 },
      { messageId: "m-1", deliveryCount: 2 },
    ]);
    expect(broker.peek("send-email")).toEqual([]);
  });

  it("When a subscription is closed, then its queue no longer counts for whenIdle", async () => {
    const { broker } = brokerWithClock();
    const subscription = broker.subscribe("send-email", () => undefined);
    await subscription.close();

    await broker.publish("sendEmail", [{ messageId: "m-1", body: 1 }]);
    await broker.whenIdle();

    expect(broker.peek("send-email")).toHaveLength(1);
  });
});

describe("LocalBroker wake-up timer", () => {
  it("When a scheduled message falls due, then the timer delivers it without a pump", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const broker = new LocalBroker({ clock: systemClock, queues: testQueues });
    const delivered: string[] = [];
    broker.subscribe("send-email", (message) => {
      delivered.push(message.messageId);
    });

    await broker.publish("sendEmail", [
      { messageId: "later", body: 1, scheduledEnqueueTime: new Date(Date.now() + 5_000) },
    ]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(delivered).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);

    expect(delivered).toEqual(["later"]);
    await broker.close();
  });

  it("When the clock is frozen, then it waits with one timer instead of spinning", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const clock = new ManualClock();
    const broker = new LocalBroker({ clock, queues: testQueues });
    const delivered: string[] = [];
    broker.subscribe("send-email", (message) => {
      delivered.push(message.messageId);
    });
    const due = new Date(clock.now().getTime() + 120_000);

    await broker.publish("sendEmail", [{ messageId: "later", body: 1, scheduledEnqueueTime: due }]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(delivered).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);

    clock.advance(120_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(delivered).toEqual(["later"]);
    await broker.close();
  });
});

function firstOf(messages: ReceivedMessage[]): ReceivedMessage {
  const [first] = messages;
  if (!first) throw new Error("expected a message");
  return first;
}
