import { describe, expect, it } from "vitest";
import { LocalBroker } from "../../../shared/local/broker/localBroker";
import { gate, ManualClock, testQueues } from "../manualClock";

describe("per-queue concurrency in the local broker", () => {
  it("serves a priority send at once while the bulk queue runs no more than its share", async () => {
    const broker = new LocalBroker({
      clock: new ManualClock(),
      queues: testQueues,
      timers: false,
      queueConcurrency: { sendEmailBulk: 2 },
    });
    const hold = gate();
    const inFlight = { bulk: 0, priority: 0 };
    let mostBulk = 0;
    const started: string[] = [];
    const handler = (lane: "bulk" | "priority") => async (message: { messageId: string }) => {
      inFlight[lane] += 1;
      mostBulk = Math.max(mostBulk, inFlight.bulk);
      started.push(message.messageId);
      await hold.promise;
      inFlight[lane] -= 1;
    };
    // Both subscribe as host.json's maxConcurrentCalls asks (16); the bulk queue's cap wins.
    broker.subscribe("send-email-bulk", handler("bulk"), { concurrency: 16 });
    broker.subscribe("send-email", handler("priority"), { concurrency: 16 });

    await broker.publish(
      "sendEmailBulk",
      Array.from({ length: 10 }, (_, n) => ({ messageId: `bulk-${n}`, body: n })),
    );
    await broker.publish("sendEmail", [{ messageId: "urgent", body: 0 }]);
    broker.pump();
    await Promise.resolve();
    await Promise.resolve();

    expect(started).toContain("urgent");
    expect(inFlight).toEqual({ bulk: 2, priority: 1 });
    const idle = broker.whenIdle();
    hold.open();
    await idle;
    expect(mostBulk).toBe(2);
    expect(broker.stats().completed).toBe(11);
  });
});
