import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Dependencies, DependencySource } from "../../shared/app/dependencies";
import { AppError, transient } from "../../shared/errors";
import { queueBatchJob, queueJob } from "../../shared/queue/handlers";
import { ManualClock } from "../support/pipeline";

/** The handlers read only the clock from their dependencies; the jobs here get theirs from the test. */
const clockOnly: DependencySource = async () =>
  ({ clock: new ManualClock(new Date("2026-12-04T10:00:00.000Z")) }) as unknown as Dependencies;

function contextFor(metadata: Record<string, unknown>) {
  const logged: string[] = [];
  const context = new InvocationContext({
    functionName: "test",
    triggerMetadata: metadata,
    logHandler: (_level, ...args) => logged.push(args.map(String).join(" ")),
  });
  return { context, logged };
}

describe("queueJob: complete or redeliver", () => {
  const schema = z.object({ n: z.number() });

  it("completes an unreadable message and a permanent failure, and hands a transient one back", async () => {
    const job = queueJob(schema, async ({ n }) => {
      if (n === 1) throw new AppError("permanent", "the order is gone");
      if (n === 2) throw transient("Cosmos DB is throttling");
    })(clockOnly);
    const { context, logged } = contextFor({ messageId: "m-1" });

    await expect(job({ n: "not a number" }, context)).resolves.toBeUndefined();
    await expect(job({ n: 1 }, context)).resolves.toBeUndefined();
    await expect(job({ n: 2 }, context)).rejects.toThrow(/throttling/);
    expect(logged.join("\n")).toMatch(/not readable[\s\S]*failed permanently[\s\S]*will be retried/);
  });
});

describe("queueBatchJob: a batch settles as one", () => {
  const schema = z.object({ n: z.number() });
  const metadata = (count: number) => ({
    messageIdArray: Array.from({ length: count }, (_, i) => `m-${i}`),
    enqueuedTimeUtcArray: Array.from({ length: count }, () => "2026-12-04T09:59:00.000Z"),
  });

  it("drops only the message that fails permanently and still handles the others", async () => {
    const handled: number[] = [];
    const job = queueBatchJob(schema, async (messages) => {
      if (messages.some(({ message }) => message.n === 2))
        throw new AppError("permanent", "unreadable order");
      handled.push(...messages.map(({ message }) => message.n));
    })(clockOnly);
    const { context, logged } = contextFor(metadata(4));

    await job([{ n: 1 }, { n: 2 }, { n: 3 }, { bad: true }], context);

    expect(handled).toEqual([1, 3]);
    expect(logged.join("\n")).toMatch(/m-3 is not readable[\s\S]*m-1 failed permanently/);
  });

  it("hands the whole batch back on a transient failure, with each message's enqueued time", async () => {
    const seen: Array<Date | undefined> = [];
    const job = queueBatchJob(schema, async (messages) => {
      seen.push(...messages.map((m) => m.enqueuedTime));
      throw transient("Cosmos DB is throttling");
    })(clockOnly);

    await expect(job([{ n: 1 }, { n: 2 }], contextFor(metadata(2)).context)).rejects.toThrow(/throttling/);
    expect(seen.map((d) => d?.toISOString())).toEqual([
      "2026-12-04T09:59:00.000Z",
      "2026-12-04T09:59:00.000Z",
    ]);
  });
});
