/**
 * The queue metrics an operator's alerts and dashboards read, through the handler wrappers every queue function
 * uses: how long a message waited, which were dropped and why, and which the broker dead-letters (the last of
 * `maxDeliveryCount` deliveries failed; a batch settles as one, so each of its messages on its last delivery).
 */
import { InvocationContext } from "@azure/functions";
import { metrics } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Dependencies, DependencySource } from "../../shared/app/dependencies";
import { AppError, transient } from "../../shared/errors";
import { queues } from "../../shared/platform/resources";
import { queueBatchJob, queueJob } from "../../shared/queue/handlers";
import { recordTimerWork } from "../../shared/telemetry/queueEdge";
import { collectMetrics } from "../support/metricPoints";
import { ManualClock } from "../support/pipeline";

let points: ReturnType<typeof collectMetrics>;

beforeAll(() => {
  points = collectMetrics();
});
afterAll(() => metrics.disable());

const now = new Date("2026-12-04T10:00:00.000Z");
const clockOnly: DependencySource = async () => ({ clock: new ManualClock(now) }) as unknown as Dependencies;

function contextOn(queueName: string, metadata: Record<string, unknown>): InvocationContext {
  return new InvocationContext({
    functionName: "test",
    triggerMetadata: metadata,
    options: { trigger: { type: "serviceBusTrigger", name: "message", queueName } },
    logHandler: () => {},
  });
}

const max = queues.sendSms.maxDeliveryCount;

describe("queue metrics of a single-message queue", () => {
  const job = queueJob(z.object({ n: z.number() }), async ({ n }) => {
    if (n === 1) throw new AppError("permanent", "the order is gone");
    if (n === 2) throw transient("Cosmos DB is throttling");
  })(clockOnly);
  const on = (deliveryCount: number) =>
    contextOn("send-sms", {
      messageId: "m-1",
      deliveryCount,
      enqueuedTimeUtc: new Date(now.getTime() - 1500).toISOString(),
    });

  it("records each message's wait and counts drops by kind and dead-letters only on the last delivery", async () => {
    await job({ n: "unreadable" }, on(1));
    await job({ n: 1 }, on(1));
    await expect(job({ n: 2 }, on(1))).rejects.toThrow();
    expect(await points("varsel.queue.dead_lettered")).toEqual([]);
    await expect(job({ n: 2 }, on(max))).rejects.toThrow();

    expect(await points("varsel.queue.dead_lettered")).toEqual([
      { attributes: { "messaging.destination.name": "send-sms" }, value: 1 },
    ]);
    expect(await points("varsel.queue.dropped")).toEqual([
      { attributes: { "messaging.destination.name": "send-sms", "error.type": "unreadable" }, value: 1 },
      { attributes: { "messaging.destination.name": "send-sms", "error.type": "permanent" }, value: 1 },
    ]);
    expect(await points("varsel.queue.age")).toEqual([
      { attributes: { "messaging.destination.name": "send-sms" }, value: 4 },
    ]);
  });
});

describe("queue metrics of a batch", () => {
  it("counts every message of a failed batch that was on its last delivery", async () => {
    const job = queueBatchJob(z.object({ n: z.number() }), async () => {
      throw transient("Cosmos DB is throttling");
    })(clockOnly);
    const context = contextOn("delivery-reports", {
      messageIdArray: ["a", "b", "c"],
      deliveryCountArray: [max, 3, max],
      enqueuedTimeUtcArray: ["2026-12-04T09:59:00.000Z", "2026-12-04T09:59:30.000Z", "2026-12-04T09:59:59Z"],
    });
    await expect(job([{ n: 1 }, { n: 2 }, { n: 3 }], context)).rejects.toThrow();

    const dead = await points("varsel.queue.dead_lettered");
    expect(dead.find((p) => p.attributes["messaging.destination.name"] === "delivery-reports")).toEqual({
      attributes: { "messaging.destination.name": "delivery-reports" },
      value: 2,
    });
    const waits = await points("varsel.queue.age");
    expect(waits.find((p) => p.attributes["messaging.destination.name"] === "delivery-reports")?.value).toBe(
      3,
    );
  });
});

describe("sweeper work", () => {
  it("counts what a timer run did per action, and nothing for an idle action", async () => {
    recordTimerWork("sweepOrders", { released: 3, resent: 0, quarantined: 1 });
    expect(await points("varsel.sweeper.work")).toEqual([
      { attributes: { "varsel.job": "sweepOrders", "varsel.action": "released" }, value: 3 },
      { attributes: { "varsel.job": "sweepOrders", "varsel.action": "quarantined" }, value: 1 },
    ]);
  });
});
