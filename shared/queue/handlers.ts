import type { InvocationContext, ServiceBusQueueHandler, TimerHandler } from "@azure/functions";
import type { z } from "zod";
import { dependencies, type Dependencies } from "../app/dependencies";
import { isAppError } from "../errors";

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
): ServiceBusQueueHandler {
  return async (message, context) => {
    const parsed = schema.safeParse(message);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      context.error(`message ${messageIdOf(context)} is not readable and was dropped: ${problems}`);
      return;
    }
    try {
      await handle(parsed.data, await dependencies(), context);
    } catch (error) {
      if (
        isAppError(error, "permanent") ||
        isAppError(error, "validation") ||
        isAppError(error, "not-found")
      ) {
        context.error(`message ${messageIdOf(context)} failed permanently: ${error.message}`);
        return;
      }
      context.warn(`message ${messageIdOf(context)} failed and will be retried: ${(error as Error).message}`);
      throw error;
    }
  };
}

/** Wraps a timer job; a run that did something logs its summary, and a failed run is retried next tick. */
export function timerJob(
  handle: (deps: Dependencies, context: InvocationContext) => Promise<string | undefined>,
): TimerHandler {
  return async (_timer, context) => {
    const summary = await handle(await dependencies(), context);
    if (summary) context.log(summary);
  };
}
