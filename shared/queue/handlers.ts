import type { InvocationContext, ServiceBusQueueHandler, TimerHandler } from "@azure/functions";
import type { z } from "zod";
import type { Dependencies, DependencySource } from "../app/dependencies";
import { isAppError, type AppError } from "../errors";
import { errorMessage } from "../narrowing";
import {
  inQueueBatch,
  inQueueDelivery,
  inTimerRun,
  recordDropped,
  recordFailedDelivery,
} from "../telemetry/queueEdge";

/** A queue handler to be given its dependencies by the registration file, as HTTP endpoints are. */
type QueueJob = (dependencies: DependencySource) => ServiceBusQueueHandler;
type TimerJob = (dependencies: DependencySource) => TimerHandler;

/** How a log line names the message: its id and the order it belongs to (the correlation id), never PII. */
function messageIdOf(context: InvocationContext): string {
  const id = context.triggerMetadata?.["messageId"];
  const order = context.triggerMetadata?.["correlationId"];
  const name = typeof id === "string" ? id : "(unknown)";
  return typeof order === "string" && order !== "" ? `${name} (order ${order})` : name;
}

/**
 * Wraps a queue job: parses the message with its schema (an unreadable message is logged and completed:
 * redelivering it cannot help), completes on permanent failures, and rethrows everything else so the
 * broker redelivers it and dead-letters it after the maximum delivery count.
 */
export function queueJob<Schema extends z.ZodType>(
  schema: Schema,
  handle: (message: z.output<Schema>, deps: Dependencies, context: InvocationContext) => Promise<void>,
): QueueJob {
  return (dependencies) => async (message, context) => {
    const deps = await dependencies();
    await inQueueDelivery(context, deps.clock.now(), async () => {
      const parsed = schema.safeParse(message);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        context.error(`message ${messageIdOf(context)} is not readable and was dropped: ${problems}`);
        recordDropped(context, "unreadable");
        return;
      }
      try {
        await handle(parsed.data, deps, context);
      } catch (error) {
        if (
          isAppError(error, "permanent") ||
          isAppError(error, "validation") ||
          isAppError(error, "not-found")
        ) {
          context.error(`message ${messageIdOf(context)} failed permanently: ${error.message}`);
          recordDropped(context, error.kind);
          return;
        }
        context.warn(`message ${messageIdOf(context)} failed and will be retried: ${errorMessage(error)}`);
        recordFailedDelivery(context);
        throw error;
      }
    });
  };
}

/** Wraps a timer job; a run that did something logs its summary, and a failed run is retried next tick. */
export function timerJob(
  handle: (deps: Dependencies, context: InvocationContext) => Promise<string | undefined>,
): TimerJob {
  return (dependencies) => async (_timer, context) => {
    const deps = await dependencies();
    const summary = await inTimerRun(context, () => handle(deps, context));
    if (summary) context.log(summary);
  };
}

/** The extension's `enqueuedTimeUtc`: text, or a Date when a host hands it over parsed. */
function timeOf(value: unknown): Date | undefined {
  const at = typeof value === "string" || value instanceof Date ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

/** A failure no redelivery can mend: the message is completed and logged. */
function isPermanent(error: unknown): error is AppError {
  return isAppError(error, "permanent") || isAppError(error, "validation") || isAppError(error, "not-found");
}

/**
 * Wraps a queue job whose trigger takes the messages that were ready together (`cardinality: "many"`), so
 * the job can read and write for all of them at once. The batch settles as one: a transient failure hands
 * every message back (the job must be safe to repeat), and a permanent one is traced to its message by
 * handling the messages one by one, so only that message is dropped.
 */
export function queueBatchJob<Schema extends z.ZodType>(
  schema: Schema,
  handle: (
    messages: Array<{ message: z.output<Schema>; enqueuedTime: Date | undefined }>,
    deps: Dependencies,
  ) => Promise<void>,
): QueueJob {
  return (dependencies) => async (batch, context) => {
    const deps = await dependencies();
    await inQueueBatch(context, deps.clock.now(), async () => {
      const bodies: unknown[] = Array.isArray(batch) ? batch : [batch];
      const enqueued = context.triggerMetadata?.["enqueuedTimeUtcArray"];
      const ids = context.triggerMetadata?.["messageIdArray"];
      const nameOf = (i: number) => (Array.isArray(ids) && typeof ids[i] === "string" ? ids[i] : `#${i}`);
      const readable: Array<{ message: z.output<Schema>; enqueuedTime: Date | undefined; name: string }> = [];
      bodies.forEach((body, i) => {
        const parsed = schema.safeParse(body);
        if (parsed.success) {
          readable.push({
            message: parsed.data,
            enqueuedTime: timeOf(Array.isArray(enqueued) ? enqueued[i] : undefined),
            name: nameOf(i),
          });
        } else {
          context.error(`message ${nameOf(i)} is not readable and was dropped`);
          recordDropped(context, "unreadable");
        }
      });
      try {
        await handle(readable, deps);
      } catch (error) {
        if (!isPermanent(error)) {
          context.warn(
            `a batch of ${readable.length} message(s) failed and will be retried: ${error instanceof Error ? error.message : String(error)}`,
          );
          recordFailedDelivery(context);
          throw error;
        }
        for (const one of readable) {
          try {
            await handle([one], deps);
          } catch (single) {
            if (!isPermanent(single)) throw single;
            context.error(`message ${one.name} failed permanently: ${single.message}`);
            recordDropped(context, single.kind);
          }
        }
      }
    });
  };
}
