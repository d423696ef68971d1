import type { QueueKey } from "../platform/resources";

export interface OutgoingMessage {
  /** Deterministic id: the broker drops a second message with the same id inside its duplicate-detection window. */
  messageId: string;
  body: unknown;
  /** Delivered no earlier than this time (Service Bus scheduled enqueue). */
  scheduledEnqueueTime?: Date;
  /** Carries the order id across queue hops for tracing. */
  correlationId?: string;
  /**
   * The order's trace as its document names it, when the publisher read the order (a timer's release or
   * re-drive, outside the order's trace): the publish joins it (`traceparent` absent: an order written before
   * intake stored one). Left out, the publish continues the active span (a queue hop of the order). Not sent;
   * the message carries the publishing span's context instead.
   */
  orderTrace?: { traceparent?: string | undefined };
  /** Service Bus application properties: the W3C trace context (`traceparent`, `tracestate`) rides here. */
  applicationProperties?: Record<string, string>;
}

export interface Publisher {
  publish(queue: QueueKey, messages: OutgoingMessage[]): Promise<void>;
}
