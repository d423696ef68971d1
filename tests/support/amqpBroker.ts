/**
 * A small in-memory AMQP 1.0 broker (rhea) that speaks just enough of the Service Bus dialect for the
 * real `@azure/service-bus` sender to publish to it (see /work/shared/reference/local-stack.md §8).
 * There is no Service Bus emulator without Docker, so the adapter test drives the real SDK against this.
 *
 * Implemented: SASL ANONYMOUS (rhea's server default), CBS put-token (always 200), sender links to any
 * queue address (attach answered with `max_message_size`), single messages and batches (format
 * 0x80013700, whose data sections are whole encoded AMQP messages), size enforcement, refusal of
 * deliveries on demand, and a `$management` responder that answers every operation with 501 so an SDK
 * path we did not expect fails loudly instead of timing out.
 * Not implemented: receiving, sessions, `$management` operations (schedule-message etc.).
 */
import type { Server, Socket } from "node:net";
import {
  create_container,
  message as amqp,
  type AmqpError,
  type Delivery,
  type EventContext,
  type Message,
  type Sender,
} from "rhea";

/** Service Bus marks a transfer whose data sections are each a complete encoded message with this format. */
const batchFormat = 0x80013700;
const dataSectionTypecode = 0x75;
/** Standard-tier Service Bus limit; what the SDK sizes its batches against. */
const defaultMaxMessageSize = 256 * 1024;

export interface BrokeredMessage {
  messageId: unknown;
  /** JSON-decoded when the data section holds JSON (as the SDK writes it), else the raw bytes. */
  body: unknown;
  correlationId: unknown;
  contentType: unknown;
  /** From the `x-opt-scheduled-enqueue-time` annotation, which is how the SDK sends `scheduledEnqueueTimeUtc`. */
  scheduledEnqueueTimeUtc?: Date;
}

export interface ReceivedTransfer {
  /** True for the 0x80013700 batch format. */
  batch: boolean;
  /** Encoded size of the transfer as it came over the wire, to compare against `max_message_size`. */
  bytes: number;
  messages: BrokeredMessage[];
  /** Encoded size of each message inside the transfer (its data section's payload). */
  messageBytes: number[];
}

export interface AmqpBroker {
  port: number;
  /** For `ServiceBusClient`: plain TCP and SASL ANONYMOUS come from `UseDevelopmentEmulator=true`. */
  connectionString: string;
  maxMessageSize: number;
  /** Messages accepted on a queue, in arrival order. */
  received(queue: string): BrokeredMessage[];
  /** Accepted transfers on a queue; one per `sendMessages` call, so the count is the number of batches. */
  transfers(queue: string): ReceivedTransfer[];
  /** Reject every later delivery to the queue with this error (as Service Bus does when busy or over quota). */
  refuse(queue: string, error: AmqpError): void;
  /** Accept deliveries to the queue again. */
  accept(queue: string): void;
  /** Deliveries to the queue the broker rejected (refusal or size); shows how often the client retried. */
  rejected(queue: string): number;
  close(): Promise<void>;
}

export interface AmqpBrokerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Announced on every link the broker attaches; the SDK's batches are sized against it. */
  maxMessageSize?: number;
}

function isSection(value: unknown): value is { typecode: number; content: unknown; multiple?: boolean } {
  return typeof value === "object" && value !== null && "typecode" in value && "content" in value;
}

/** The payload of a data-section body as one or more buffers (rhea joins repeated data sections into one Section). */
function dataSections(body: unknown): Buffer[] {
  if (!isSection(body) || body.typecode !== dataSectionTypecode) return [];
  const content = body.content;
  if (Array.isArray(content)) return content.filter((c): c is Buffer => Buffer.isBuffer(c));
  return Buffer.isBuffer(content) ? [content] : [];
}

function decodeBody(body: unknown): unknown {
  const sections = dataSections(body);
  if (sections.length === 0) return isSection(body) ? body.content : body;
  const bytes = Buffer.concat(sections);
  try {
    return JSON.parse(bytes.toString("utf8")) as unknown;
  } catch {
    return bytes;
  }
}

/** The fields read from a message, whether rhea decoded it on arrival or we decoded a batch's data section. */
interface DecodedMessage {
  message_id?: unknown;
  correlation_id?: unknown;
  content_type?: unknown;
  message_annotations?: unknown;
  body?: unknown;
}

/** rhea types a decoded message as an open dictionary; pick the fields we read so the rest stays typed. */
function decodeMessage(bytes: Buffer): DecodedMessage {
  const decoded = amqp.decode(bytes);
  return {
    message_id: decoded.message_id,
    correlation_id: decoded.correlation_id,
    content_type: decoded.content_type,
    message_annotations: decoded.message_annotations,
    body: decoded.body,
  };
}

function toBrokered(message: DecodedMessage): BrokeredMessage {
  const annotations = message.message_annotations;
  const scheduled =
    typeof annotations === "object" && annotations !== null
      ? (annotations as Record<string, unknown>)["x-opt-scheduled-enqueue-time"]
      : undefined;
  return {
    messageId: message.message_id,
    body: decodeBody(message.body),
    correlationId: message.correlation_id,
    contentType: message.content_type,
    ...(scheduled instanceof Date ? { scheduledEnqueueTimeUtc: scheduled } : {}),
  };
}

function linkAddress(terminus: { address?: string } | undefined): string {
  return terminus?.address ?? "";
}

export async function startAmqpBroker(options: AmqpBrokerOptions = {}): Promise<AmqpBroker> {
  const maxMessageSize = options.maxMessageSize ?? defaultMaxMessageSize;
  const transfersByQueue = new Map<string, ReceivedTransfer[]>();
  const refusals = new Map<string, AmqpError>();
  const rejections = new Map<string, number>();
  // Request/response replies go to the client's receiver link named in `reply_to` (core-amqp's convention).
  const replyLinks = new Map<string, Sender>();

  const container = create_container({ id: "varsel-test-broker" });

  container.on("sender_open", (context: EventContext) => {
    const sender = context.sender;
    if (!sender) return;
    // Echo the source so the client sees the terminus was created rather than refused.
    sender.set_source({ address: linkAddress(sender.source) });
    replyLinks.set(sender.name, sender);
  });

  container.on("sender_close", (context: EventContext) => {
    if (context.sender) replyLinks.delete(context.sender.name);
  });

  container.on("receiver_open", (context: EventContext) => {
    const receiver = context.receiver;
    if (!receiver) return;
    // Echo the target so the client sees the terminus was created rather than refused.
    receiver.set_target({ address: linkAddress(receiver.target) });
  });

  function reply(request: Message, status: number, description: string): void {
    const replyTo = request.reply_to;
    const link = replyTo === undefined ? undefined : replyLinks.get(replyTo);
    if (!link) return;
    link.send({
      correlation_id: request.message_id,
      to: replyTo,
      application_properties: { "status-code": status, "status-description": description },
      body: null,
    });
  }

  function reject(queue: string, delivery: Delivery, error: AmqpError): void {
    rejections.set(queue, (rejections.get(queue) ?? 0) + 1);
    delivery.reject(error);
  }

  function onQueueTransfer(queue: string, delivery: Delivery, payload: Message | Buffer): void {
    const refusal = refusals.get(queue);
    if (refusal) {
      reject(queue, delivery, refusal);
      return;
    }
    const batch = delivery.format === batchFormat;
    // rhea hands non-zero formats over undecoded; format 0 arrives decoded, so re-encode to measure it.
    const bytes = Buffer.isBuffer(payload) ? payload.length : amqp.encode(payload).length;
    if (bytes > maxMessageSize) {
      reject(queue, delivery, {
        condition: "amqp:link:message-size-exceeded",
        description: `transfer of ${bytes} bytes exceeds the link's max_message_size ${maxMessageSize}`,
      });
      return;
    }
    let messages: BrokeredMessage[];
    let messageBytes: number[];
    if (Buffer.isBuffer(payload)) {
      if (!batch) {
        reject(queue, delivery, {
          condition: "amqp:not-implemented",
          description: `message format ${delivery.format}`,
        });
        return;
      }
      const sections = dataSections(decodeMessage(payload).body);
      messages = sections.map((section) => toBrokered(decodeMessage(section)));
      messageBytes = sections.map((section) => section.length);
    } else {
      messages = [toBrokered(payload)];
      messageBytes = [bytes];
    }
    const missingId = messages.find((m) => m.messageId === undefined || m.messageId === null);
    if (missingId) {
      // Service Bus needs the id for duplicate detection; a message without one is a client bug worth seeing.
      reject(queue, delivery, { condition: "amqp:invalid-field", description: "message_id is required" });
      return;
    }
    const list = transfersByQueue.get(queue) ?? [];
    list.push({ batch, bytes, messages, messageBytes });
    transfersByQueue.set(queue, list);
    delivery.accept();
  }

  container.on("message", (context: EventContext) => {
    const { receiver, delivery, message } = context;
    if (!receiver || !delivery || message === undefined) return;
    const address = linkAddress(receiver.target);
    // rhea types the payload as Message, but for custom formats it is the raw Buffer.
    const payload: Message | Buffer = message;

    if (address === "$cbs") {
      const request = payload;
      // Any token is good enough: the fixture tests the publisher, not authorisation.
      delivery.accept();
      reply(request, 200, "OK");
      return;
    }
    if (address.endsWith("/$management")) {
      const request = payload;
      const props = request.application_properties as Record<string, unknown> | undefined;
      delivery.accept();
      reply(request, 501, `operation ${String(props?.operation)} is not implemented by the test broker`);
      return;
    }
    onQueueTransfer(address, delivery, payload);
  });

  const server: Server = container.listen({
    port: options.port ?? 0,
    host: "127.0.0.1",
    // Autoaccept off: the broker decides per delivery (accept, refuse, too large).
    receiver_options: { max_message_size: maxMessageSize, autoaccept: false },
    sender_options: { max_message_size: maxMessageSize },
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("broker did not bind a TCP port");
  const port = address.port;

  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  return {
    port,
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true`,
    maxMessageSize,
    received: (queue) => (transfersByQueue.get(queue) ?? []).flatMap((t) => t.messages),
    transfers: (queue) => [...(transfersByQueue.get(queue) ?? [])],
    refuse: (queue, error) => void refusals.set(queue, error),
    accept: (queue) => void refusals.delete(queue),
    rejected: (queue) => rejections.get(queue) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        // Clients normally close first; destroying what is left keeps a failed test from hanging the run.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
