import {
  ServiceBusClient,
  type ServiceBusClientOptions,
  type ServiceBusMessage,
  type ServiceBusSender,
} from "@azure/service-bus";
import type { TokenCredential } from "@azure/identity";
import { AppError, isAppError, transient } from "../../errors";
import { queues, type QueueKey } from "../../platform/resources";
import type { OutgoingMessage, Publisher } from "../../ports/publisher";

function toServiceBusMessage(message: OutgoingMessage): ServiceBusMessage {
  return {
    messageId: message.messageId,
    body: message.body,
    contentType: "application/json",
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
    ...(message.applicationProperties ? { applicationProperties: message.applicationProperties } : {}),
    ...(message.scheduledEnqueueTime ? { scheduledEnqueueTimeUtc: message.scheduledEnqueueTime } : {}),
  };
}

/** Publishes to Service Bus queues in as few batches as fit; duplicate detection relies on messageId. */
export class ServiceBusPublisher implements Publisher {
  private readonly client: ServiceBusClient;
  private readonly senders = new Map<QueueKey, ServiceBusSender>();

  /** Production: managed identity against the namespace, no secrets in configuration. */
  constructor(
    fullyQualifiedNamespace: string,
    credential: TokenCredential,
    options?: ServiceBusClientOptions,
  );
  /**
   * Tests and local tooling only: a connection string, e.g. with `UseDevelopmentEmulator=true` for a
   * plain-TCP broker on localhost. `options.retryOptions` lets a test fail fast instead of retrying for minutes.
   */
  constructor(connectionString: string, options?: ServiceBusClientOptions);
  constructor(
    target: string,
    credentialOrOptions?: TokenCredential | ServiceBusClientOptions,
    options?: ServiceBusClientOptions,
  ) {
    this.client =
      credentialOrOptions && "getToken" in credentialOrOptions
        ? new ServiceBusClient(target, credentialOrOptions, options)
        : new ServiceBusClient(target, credentialOrOptions);
  }

  private sender(queue: QueueKey): ServiceBusSender {
    let sender = this.senders.get(queue);
    if (!sender) {
      sender = this.client.createSender(queues[queue].name);
      this.senders.set(queue, sender);
    }
    return sender;
  }

  async publish(queue: QueueKey, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const sender = this.sender(queue);
    const tooLarge = (m: OutgoingMessage) =>
      new AppError("permanent", `message ${m.messageId} is larger than a Service Bus batch`);
    try {
      let batch = await sender.createMessageBatch();
      for (const message of messages) {
        const sbMessage = toServiceBusMessage(message);
        if (batch.tryAddMessage(sbMessage)) continue;
        if (batch.count === 0) throw tooLarge(message);
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(sbMessage)) throw tooLarge(message);
      }
      if (batch.count > 0) await sender.sendMessages(batch);
    } catch (error) {
      if (isAppError(error)) throw error;
      // Nothing the caller did can fix a broker failure; the store-side claim lets it be retried.
      throw transient(`publishing to ${queues[queue].name} failed`, undefined, error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
