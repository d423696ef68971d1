import { randomUUID } from "node:crypto";
import { parseJson } from "../../narrowing";
import type { QueueDefinition } from "../../platform/resources";
import type { OutgoingMessage } from "../../ports/publisher";
import { parseIsoDuration } from "./isoDuration";

/** A message handed to a consumer under a peek-lock, as Service Bus delivers it. */
export interface ReceivedMessage {
  messageId: string;
  /** A fresh copy decoded from the stored JSON on every delivery, so a consumer's mutations never leak. */
  body: unknown;
  /** 1 on the first delivery, like the Functions host's `deliveryCount` trigger metadata. */
  deliveryCount: number;
  enqueuedTime: Date;
  sequenceNumber: number;
  correlationId?: string;
  /** The sender's application properties (the W3C trace context among them). */
  applicationProperties?: Record<string, string>;
  lockToken: string;
  lockedUntil: Date;
}

export interface DeadLetteredMessage {
  messageId: string;
  body: unknown;
  deliveryCount: number;
  enqueuedTime: Date;
  sequenceNumber: number;
  correlationId?: string;
  deadLetterReason: string;
  deadLetterErrorDescription: string;
  deadLetteredTime: Date;
}

type PeekedMessageState = "active" | "scheduled" | "locked";

export interface PeekedMessage {
  messageId: string;
  body: unknown;
  deliveryCount: number;
  enqueuedTime: Date;
  sequenceNumber: number;
  correlationId?: string;
  state: PeekedMessageState;
}

/** Thrown when settling with a lock token that expired or was already settled, as Service Bus does. */
export class MessageLockLostError extends Error {
  readonly code = "MessageLockLost";
  constructor(lockToken: string) {
    super(`The lock ${lockToken} is not held: it expired or the message was already settled.`);
    this.name = "MessageLockLostError";
  }
}

interface MessageLock {
  token: string;
  lockedUntilMs: number;
  /** Locks held by a subscription are renewed while its handler runs (host.json maxAutoLockRenewalDuration). */
  autoRenew: boolean;
}

interface StoredMessage {
  messageId: string;
  /** The body as it travels on the wire; decoding per delivery gives every consumer its own copy. */
  bodyJson: string;
  correlationId?: string;
  applicationProperties?: Record<string, string>;
  sequenceNumber: number;
  enqueuedTimeMs: number;
  visibleAtMs: number;
  deliveryCount: number;
  lock?: MessageLock;
  /** Set once the duplicate-delivery test mode has redelivered the message after its first completion. */
  redeliveredAfterCompletion: boolean;
}

export const maxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

/**
 * The state of one queue: ready messages in arrival order, scheduled ones by due time, locked ones by
 * token, the dead-letter sub-queue, and the message ids seen inside the duplicate-detection window.
 * Time is passed in, never read, so the broker decides which clock drives it.
 */
export class BrokerQueue {
  readonly name: string;
  readonly maxDeliveryCount: number;
  private readonly lockDurationMs: number;
  private readonly duplicateWindowMs: number;
  private readonly ready = new Map<number, StoredMessage>();
  private readonly scheduled: StoredMessage[] = [];
  private readonly locked = new Map<string, StoredMessage>();
  private readonly dead: Array<Omit<DeadLetteredMessage, "body"> & { bodyJson: string }> = [];
  private readonly seenMessageIds = new Map<string, number>();
  private nextSequenceNumber = 1;

  constructor(
    definition: QueueDefinition,
    private readonly duplicateDelivery: boolean,
  ) {
    this.name = definition.name;
    this.maxDeliveryCount = definition.maxDeliveryCount;
    this.lockDurationMs = parseIsoDuration(definition.lockDuration);
    this.duplicateWindowMs = parseIsoDuration(definition.duplicateDetectionWindow);
  }

  /** Stores the message unless its id was seen inside the window; returns whether it was stored. */
  enqueue(message: OutgoingMessage, nowMs: number): boolean {
    this.forgetExpiredMessageIds(nowMs);
    if (this.seenMessageIds.has(message.messageId)) return false;
    this.seenMessageIds.set(message.messageId, nowMs);

    const scheduledMs = message.scheduledEnqueueTime?.getTime();
    const visibleAtMs = scheduledMs !== undefined && scheduledMs > nowMs ? scheduledMs : nowMs;
    const stored: StoredMessage = {
      messageId: message.messageId,
      bodyJson: JSON.stringify(message.body ?? null),
      sequenceNumber: this.nextSequenceNumber++,
      // Service Bus stamps a scheduled message's enqueued time when it becomes active.
      enqueuedTimeMs: visibleAtMs,
      visibleAtMs,
      deliveryCount: 0,
      redeliveredAfterCompletion: false,
      ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
      ...(message.applicationProperties
        ? { applicationProperties: { ...message.applicationProperties } }
        : {}),
    };
    if (visibleAtMs > nowMs) this.insertScheduled(stored);
    else this.ready.set(stored.sequenceNumber, stored);
    return true;
  }

  /** Activates due scheduled messages and takes back messages whose lock expired. */
  sweep(nowMs: number): number {
    while (this.scheduled.length > 0 && (this.scheduled[0]?.visibleAtMs ?? Infinity) <= nowMs) {
      const due = this.scheduled.shift();
      if (due) this.ready.set(due.sequenceNumber, due);
    }
    let expired = 0;
    for (const [token, message] of this.locked) {
      if (message.lock && !message.lock.autoRenew && nowMs > message.lock.lockedUntilMs) {
        this.locked.delete(token);
        this.release(message, nowMs);
        expired++;
      }
    }
    return expired;
  }

  /** Locks the oldest ready message; call `sweep` first so due ones are counted. */
  lockNext(nowMs: number, autoRenew: boolean): ReceivedMessage | undefined {
    const next = this.ready.values().next();
    if (next.done) return undefined;
    const message = next.value;
    this.ready.delete(message.sequenceNumber);
    message.deliveryCount++;
    message.lock = { token: randomUUID(), lockedUntilMs: nowMs + this.lockDurationMs, autoRenew };
    this.locked.set(message.lock.token, message);
    return {
      messageId: message.messageId,
      body: parseJson(message.bodyJson),
      deliveryCount: message.deliveryCount,
      enqueuedTime: new Date(message.enqueuedTimeMs),
      sequenceNumber: message.sequenceNumber,
      ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
      ...(message.applicationProperties
        ? { applicationProperties: { ...message.applicationProperties } }
        : {}),
      lockToken: message.lock.token,
      lockedUntil: new Date(message.lock.lockedUntilMs),
    };
  }

  holdsLock(lockToken: string): boolean {
    return this.locked.has(lockToken);
  }

  complete(lockToken: string, nowMs: number): void {
    const message = this.takeLocked(lockToken);
    if (this.duplicateDelivery && !message.redeliveredAfterCompletion) {
      // Test mode: behave as if the completion was lost, so the message comes back exactly once.
      message.redeliveredAfterCompletion = true;
      message.visibleAtMs = nowMs;
      this.ready.set(message.sequenceNumber, message);
    }
  }

  /** Returns the message for redelivery, or dead-letters it once its deliveries are used up. */
  abandon(lockToken: string, nowMs: number): void {
    this.release(this.takeLocked(lockToken), nowMs);
  }

  deadLetter(lockToken: string, reason: string, description: string, nowMs: number): void {
    this.moveToDeadLetter(this.takeLocked(lockToken), reason, description, nowMs);
  }

  get deadLetterCount(): number {
    return this.dead.length;
  }

  hasReady(): boolean {
    return this.ready.size > 0;
  }

  /** The earliest future instant at which a scheduled message becomes due or a lock expires. */
  nextWakeAtMs(): number | undefined {
    let wakeAt = this.scheduled[0]?.visibleAtMs;
    for (const message of this.locked.values()) {
      if (message.lock && !message.lock.autoRenew) {
        const expiresAt = message.lock.lockedUntilMs + 1;
        if (wakeAt === undefined || expiresAt < wakeAt) wakeAt = expiresAt;
      }
    }
    return wakeAt;
  }

  peek(): PeekedMessage[] {
    const view = (message: StoredMessage, state: PeekedMessageState): PeekedMessage => ({
      messageId: message.messageId,
      body: parseJson(message.bodyJson),
      deliveryCount: message.deliveryCount,
      enqueuedTime: new Date(message.enqueuedTimeMs),
      sequenceNumber: message.sequenceNumber,
      ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
      state,
    });
    return [
      ...[...this.ready.values()].map((message) => view(message, "active")),
      ...[...this.locked.values()].map((message) => view(message, "locked")),
      ...this.scheduled.map((message) => view(message, "scheduled")),
    ].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  }

  deadLetters(): DeadLetteredMessage[] {
    return this.dead.map(({ bodyJson, ...rest }) => ({ ...rest, body: parseJson(bodyJson) }));
  }

  private takeLocked(lockToken: string): StoredMessage {
    const message = this.locked.get(lockToken);
    if (!message) throw new MessageLockLostError(lockToken);
    this.locked.delete(lockToken);
    delete message.lock;
    return message;
  }

  private release(message: StoredMessage, nowMs: number): void {
    delete message.lock;
    if (message.deliveryCount >= this.maxDeliveryCount) {
      this.moveToDeadLetter(
        message,
        maxDeliveryCountExceeded,
        `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts.`,
        nowMs,
      );
      return;
    }
    this.ready.set(message.sequenceNumber, message);
  }

  private moveToDeadLetter(message: StoredMessage, reason: string, description: string, nowMs: number): void {
    this.dead.push({
      messageId: message.messageId,
      bodyJson: message.bodyJson,
      deliveryCount: message.deliveryCount,
      enqueuedTime: new Date(message.enqueuedTimeMs),
      sequenceNumber: message.sequenceNumber,
      ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
      deadLetterReason: reason,
      deadLetterErrorDescription: description,
      deadLetteredTime: new Date(nowMs),
    });
  }

  private insertScheduled(message: StoredMessage): void {
    let low = 0;
    let high = this.scheduled.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.scheduled[middle]?.visibleAtMs ?? Infinity) <= message.visibleAtMs) low = middle + 1;
      else high = middle;
    }
    this.scheduled.splice(low, 0, message);
  }

  /** Ids are kept in first-seen order, so expired ones are always at the front. */
  private forgetExpiredMessageIds(nowMs: number): void {
    for (const [messageId, seenAtMs] of this.seenMessageIds) {
      if (nowMs - seenAtMs < this.duplicateWindowMs) break;
      this.seenMessageIds.delete(messageId);
    }
  }
}
