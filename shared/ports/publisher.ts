import type { QueueKey } from "../platform/resources";

export interface OutgoingMessage {
  /** Deterministic id: the broker drops a second message with the same id inside its duplicate-detection window. */
  messageId: string;
  body: unknown;
  /** Delivered no earlier than this time (Service Bus scheduled enqueue). */
  scheduledEnqueueTime?: Date;
  /** Carries the order id across queue hops for tracing. */
  correlationId?: string;
  /** Service Bus application properties: the W3C trace context (`traceparent`, `tracestate`) rides here. */
  applicationProperties?: Record<string, string>;
}

export interface Publisher {
  publish(queue: QueueKey, messages: OutgoingMessage[]): Promise<void>;
}
