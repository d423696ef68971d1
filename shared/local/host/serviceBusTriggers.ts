import type { TriggerMetadata } from "@azure/functions";
import type { LocalBroker, ReceivedMessage, Subscription } from "../broker/localBroker";
import { parseJson } from "../../narrowing";
import { createInvocationContext, formatLogLine, type HostLogger } from "./invocation";
import type { FunctionRegistration } from "./registrations";
import { resolvePlaceholders, type SettingResolver } from "./settings";

interface ServiceBusBindingOptions {
  broker: LocalBroker;
  logger: HostLogger;
  resolveSetting: SettingResolver;
  /** host.json `extensions.serviceBus.maxConcurrentCalls`, for triggers that take one message at a time. */
  maxConcurrentCalls: number;
  /** host.json `extensions.serviceBus.maxMessageBatchSize`, for triggers with `cardinality: "many"`. */
  maxMessageBatchSize: number;
}

/** The worker hands string bodies through `tryJsonParse` (fromRpcTypedData), so JSON text arrives parsed. */
function asFunctionsDelivers(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return parseJson(body);
  } catch {
    return body;
  }
}

/** The trigger metadata the Service Bus extension sends, after the package camel-cases its keys. */
function triggerMetadataOf(message: ReceivedMessage): TriggerMetadata {
  return {
    messageId: message.messageId,
    deliveryCount: message.deliveryCount,
    enqueuedTimeUtc: message.enqueuedTime.toISOString(),
    sequenceNumber: message.sequenceNumber,
    lockToken: message.lockToken,
    contentType: "application/json",
    applicationProperties: { ...message.applicationProperties },
    userProperties: {},
    ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
  };
}

/** What the extension sends for a batch: each single-message key with `Array` appended, one entry per message. */
function batchTriggerMetadataOf(messages: ReceivedMessage[]): TriggerMetadata {
  const each = messages.map(triggerMetadataOf);
  const keys = [
    "messageId",
    "deliveryCount",
    "enqueuedTimeUtc",
    "sequenceNumber",
    "lockToken",
    "contentType",
  ];
  return {
    ...Object.fromEntries(keys.map((key) => [`${key}Array`, each.map((m) => m[key])])),
    correlationIdArray: each.map((m) => m["correlationId"] ?? null),
    applicationPropertiesArray: each.map((m) => m["applicationProperties"]),
    userPropertiesArray: each.map(() => ({})),
  };
}

/** Subscribes every Service Bus queue trigger to the broker; settling follows autoComplete semantics. */
export function bindServiceBusTriggers(
  registrations: FunctionRegistration[],
  options: ServiceBusBindingOptions,
): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (const registration of registrations) {
    if (registration.trigger.type !== "serviceBusTrigger") continue;
    if (registration.trigger.topicName !== undefined) {
      throw new Error(
        `function "${registration.name}": topic subscriptions are not supported by the local broker`,
      );
    }
    const queueName = resolvePlaceholders(
      registration.trigger.queueName ?? "",
      options.resolveSetting,
      `function "${registration.name}"`,
    );
    const failed = (messages: ReceivedMessage[], error: unknown) => {
      const which = messages.map((m) => `delivery ${m.deliveryCount} of message ${m.messageId}`).join(", ");
      options.logger("error", formatLogLine(registration.name, "error", [`failed on ${which}`, error]));
    };
    const subscription =
      registration.trigger.cardinality === "many"
        ? options.broker.subscribeBatch(
            queueName,
            async (messages) => {
              const context = createInvocationContext(
                registration,
                options.logger,
                batchTriggerMetadataOf(messages),
              );
              try {
                await registration.handler(
                  messages.map((m) => asFunctionsDelivers(m.body)),
                  context,
                );
              } catch (error) {
                failed(messages, error);
                throw error;
              }
            },
            // The extension's batch receive loop runs one batch at a time per function and instance
            // (maxConcurrentCalls is for single-message triggers): the messages that arrive meanwhile make
            // the next batch, so a steady flow arrives in few, full batches.
            { concurrency: 1, maxBatchSize: options.maxMessageBatchSize },
          )
        : options.broker.subscribe(
            queueName,
            async (message) => {
              const context = createInvocationContext(
                registration,
                options.logger,
                triggerMetadataOf(message),
              );
              try {
                await registration.handler(asFunctionsDelivers(message.body), context);
              } catch (error) {
                failed([message], error);
                throw error;
              }
            },
            { concurrency: options.maxConcurrentCalls },
          );
    subscriptions.push(subscription);
  }
  return subscriptions;
}
