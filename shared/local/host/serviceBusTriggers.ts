import type { TriggerMetadata } from "@azure/functions";
import type { LocalBroker, ReceivedMessage, Subscription } from "../../adapters/local/localBroker";
import { createInvocationContext, formatLogLine, type HostLogger } from "./invocation";
import type { FunctionRegistration } from "./registrations";
import { resolvePlaceholders, type SettingResolver } from "./settings";

export interface ServiceBusBindingOptions {
  broker: LocalBroker;
  logger: HostLogger;
  resolveSetting: SettingResolver;
  /** host.json `extensions.serviceBus.maxConcurrentCalls`. */
  maxConcurrentCalls: number;
}

/** The worker hands string bodies through `tryJsonParse` (fromRpcTypedData), so JSON text arrives parsed. */
function asFunctionsDelivers(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
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
    const subscription = options.broker.subscribe(
      queueName,
      async (message) => {
        const context = createInvocationContext(registration, options.logger, triggerMetadataOf(message));
        try {
          await registration.handler(asFunctionsDelivers(message.body), context);
        } catch (error) {
          const line = formatLogLine(registration.name, "error", [
            `failed on delivery ${message.deliveryCount} of message ${message.messageId}`,
            error,
          ]);
          options.logger("error", line);
          throw error;
        }
      },
      { concurrency: options.maxConcurrentCalls },
    );
    subscriptions.push(subscription);
  }
  return subscriptions;
}
