import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from "@azure/service-bus";
import type { TokenCredential } from "@azure/identity";
import { transient } from "../../errors";
import { queues, type QueueKey } from "../../platform/resources";
import type { OutgoingMessage, Publisher } from "../../ports/publisher";

function toServiceBusMessage(message: OutgoingMessage): ServiceBusMessage {
  return {
    messageId: message.messageId,
    body: message.body,
    contentType: "application/json",
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
    ...(message.scheduledEnqueueTime ? { scheduledEnqueueTimeUtc: message.scheduledEnqueueTime } : {}),
  };
}

/** Publishes to Service Bus queues in as few batches as fit; duplicate detection relies on messageId. */
export class ServiceBusPublisher implements Publisher {
  private readonly client: ServiceBusClient;
  private readonly senders = new Map<QueueKey, ServiceBusSender>();

  constructor(fullyQualifiedNamespace: string, credential: TokenCredential) {
    this.client = new ServiceBusClient(fullyQualifiedNamespace, credential);
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
    const sender = this.sender(queue);
    try {
      let batch = await sender.createMessageBatch();
      for (const message of messages) {
        const sbMessage = toServiceBusMessage(message);
        if (batch.tryAddMessage(sbMessage)) continue;
        if (batch.count === 0) throw new Error(`message ${message.messageId} is larger than a batch`);
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(sbMessage)) throw new Error(`message ${message.messageId} is larger than a batch`);
      }
      if (batch.count > 0) await sender.sendMessages(batch);
    } catch (error) {
      // Nothing the caller did can fix a broker failure; the store-side claim lets it be retried.
      throw transient(`publishing to ${queues[queue].name} failed`, undefined, error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
