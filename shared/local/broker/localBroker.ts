import { systemClock, type Clock } from "../../ports/clock";
import type { OutgoingMessage, Publisher } from "../../ports/publisher";
import { queues as defaultQueues, type QueueDefinition, type QueueKey } from "../../platform/resources";
import { knownKeys } from "../../narrowing";
import {
  BrokerQueue,
  MessageLockLostError,
  type DeadLetteredMessage,
  type PeekedMessage,
  type ReceivedMessage,
} from "./brokerQueue";

export { MessageLockLostError, maxDeliveryCountExceeded, type ReceivedMessage } from "./brokerQueue";

interface LocalBrokerOptions {
  /** Decides when scheduled messages are due and locks expire; defaults to the system clock. */
  clock?: Clock;
  queues?: Record<QueueKey, QueueDefinition>;
  /**
   * The most deliveries in flight at once on these queues, whatever their subscriber asks for: in one process
   * every queue shares the event loop, so a queue that must not crowd out the others gets a bounded share.
   */
  queueConcurrency?: Partial<Record<QueueKey, number>>;
  /** Test mode: every message is delivered a second time after its first completion (a lost settlement). */
  duplicateDelivery?: boolean;
  /**
   * Wake up with a real timer when a scheduled message falls due or a lock expires (default true).
   * Tests with a controllable clock may turn this off and call `pump()` / `whenIdle()` after moving time.
   */
  timers?: boolean;
}

type MessageHandler = (message: ReceivedMessage) => Promise<void> | void;
/** A trigger with `cardinality: "many"`: the messages that were ready together, settled together. */
type BatchMessageHandler = (messages: ReceivedMessage[]) => Promise<void> | void;

interface SubscribeOptions {
  /** Deliveries in flight at once on this queue (host.json `maxConcurrentCalls`). */
  concurrency?: number;
}

interface BatchSubscribeOptions extends SubscribeOptions {
  /** Messages handed over at most in one call (host.json `maxMessageBatchSize`). */
  maxBatchSize: number;
}

export interface Subscription {
  /** Stops new deliveries and resolves when the ones in flight are settled. */
  close(): Promise<void>;
}

interface BrokerStats {
  publishCalls: number;
  published: number;
  duplicatesDropped: number;
  received: number;
  completed: number;
  abandoned: number;
  deadLettered: number;
  locksExpired: number;
}

interface ActiveSubscription {
  queue: BrokerQueue;
  handler: BatchMessageHandler;
  concurrency: number;
  maxBatchSize: number;
  inFlight: Set<Promise<void>>;
}

/** Real timers only approximate an offset or frozen clock, so never sleep longer than this between checks. */
const maxTimerDelayMs = 60_000;

/**
 * An in-process stand-in for the Service Bus namespace: duplicate detection, scheduled enqueue, peek-lock
 * with lock expiry, redelivery up to maxDeliveryCount, a dead-letter sub-queue, and push subscriptions
 * that settle like the Functions trigger with autoComplete (success completes, a throw abandons).
 */
export class LocalBroker implements Publisher {
  private readonly clock: Clock;
  private readonly queuesByKey = new Map<QueueKey, BrokerQueue>();
  private readonly queuesByName = new Map<string, BrokerQueue>();
  /** Queue name → the most deliveries in flight at once (`queueConcurrency`). */
  private readonly concurrencyCaps = new Map<string, number>();
  private readonly subscriptions = new Map<string, ActiveSubscription>();
  private readonly useTimers: boolean;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly counters: Omit<BrokerStats, "deadLettered"> = {
    publishCalls: 0,
    published: 0,
    duplicatesDropped: 0,
    received: 0,
    completed: 0,
    abandoned: 0,
    locksExpired: 0,
  };
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeTimerFor: number | undefined;
  private pumpQueued = false;
  private closed = false;

  constructor(options: LocalBrokerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.useTimers = options.timers ?? true;
    const definitions = options.queues ?? defaultQueues;
    for (const key of knownKeys(definitions)) {
      const queue = new BrokerQueue(definitions[key], options.duplicateDelivery ?? false);
      this.queuesByKey.set(key, queue);
      this.queuesByName.set(queue.name, queue);
      const cap = options.queueConcurrency?.[key];
      if (cap !== undefined) this.concurrencyCaps.set(queue.name, cap);
    }
  }

  async publish(queueKey: QueueKey, messages: OutgoingMessage[]): Promise<void> {
    const queue = this.queuesByKey.get(queueKey);
    if (!queue) throw new Error(`LocalBroker has no queue "${String(queueKey)}"`);
    this.counters.publishCalls++;
    const nowMs = this.nowMs();
    for (const message of messages) {
      if (queue.enqueue(message, nowMs)) this.counters.published++;
      else this.counters.duplicatesDropped++;
    }
    this.queuePump();
  }

  /** Locks up to `maxMessages` due messages; settle each with its lock token before `lockedUntil`. */
  receive(queueName: string, maxMessages = 1): ReceivedMessage[] {
    const queue = this.queue(queueName);
    this.sweep(queue);
    const received: ReceivedMessage[] = [];
    const nowMs = this.nowMs();
    while (received.length < maxMessages) {
      const message = queue.lockNext(nowMs, false);
      if (!message) break;
      received.push(message);
    }
    this.counters.received += received.length;
    return received;
  }

  complete(lockToken: string): void {
    this.queueHolding(lockToken).complete(lockToken, this.nowMs());
    this.counters.completed++;
    this.queuePump();
  }

  /** Makes the message available again, or dead-letters it when its deliveries are used up. */
  abandon(lockToken: string): void {
    this.queueHolding(lockToken).abandon(lockToken, this.nowMs());
    this.counters.abandoned++;
    this.queuePump();
  }

  deadLetter(lockToken: string, reason: string, description: string): void {
    this.queueHolding(lockToken).deadLetter(lockToken, reason, description, this.nowMs());
  }

  /** Every message not yet settled: ready, locked and scheduled, in sequence order. */
  peek(queueName: string): PeekedMessage[] {
    const queue = this.queue(queueName);
    this.sweep(queue);
    return queue.peek();
  }

  deadLetters(queueName: string): DeadLetteredMessage[] {
    return this.queue(queueName).deadLetters();
  }

  subscribe(queueName: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    return this.subscribeBatch(
      queueName,
      async (messages) => {
        for (const message of messages) await handler(message);
      },
      {
        ...options,
        maxBatchSize: 1,
      },
    );
  }

  /** Like `subscribe`, handing over up to `maxBatchSize` ready messages per call; all settle as one. */
  subscribeBatch(
    queueName: string,
    handler: BatchMessageHandler,
    options: BatchSubscribeOptions,
  ): Subscription {
    const queue = this.queue(queueName);
    if (this.subscriptions.has(queueName)) throw new Error(`queue "${queueName}" already has a subscriber`);
    const { concurrency = 1, maxBatchSize } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error("concurrency must be a positive integer");
    }
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new Error("maxBatchSize must be a positive integer");
    }
    const subscription: ActiveSubscription = {
      queue,
      handler,
      concurrency,
      maxBatchSize,
      inFlight: new Set(),
    };
    this.subscriptions.set(queueName, subscription);
    this.queuePump();
    return {
      close: async () => {
        if (this.subscriptions.get(queueName) === subscription) this.subscriptions.delete(queueName);
        await Promise.all([...subscription.inFlight]);
        this.resolveIdleWaiters();
      },
    };
  }

  /** Starts delivering every message that is due now to the subscribers with free capacity. */
  pump(): void {
    this.pumpQueued = false;
    if (this.closed) return;
    const nowMs = this.nowMs();
    for (const subscription of this.subscriptions.values()) {
      this.sweep(subscription.queue);
      const cap = this.concurrencyCaps.get(subscription.queue.name) ?? subscription.concurrency;
      while (subscription.inFlight.size < Math.min(subscription.concurrency, cap)) {
        const messages: ReceivedMessage[] = [];
        for (let next; messages.length < subscription.maxBatchSize; messages.push(next)) {
          next = subscription.queue.lockNext(nowMs, true);
          if (!next) break;
        }
        if (messages.length === 0) break;
        this.counters.received += messages.length;
        this.deliver(subscription, messages);
      }
    }
    this.armWakeTimer();
    this.resolveIdleWaiters();
  }

  /**
   * Resolves once no subscribed queue has a due message and no delivery is in flight. Scheduled messages
   * that are not yet due, queues without a subscriber and locks taken with `receive` don't count.
   */
  whenIdle(): Promise<void> {
    this.pump();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): BrokerStats {
    let deadLettered = 0;
    for (const queue of this.queuesByName.values()) deadLettered += queue.deadLetterCount;
    return { ...this.counters, deadLettered };
  }

  /** Stops timers and subscriptions; resolves when deliveries in flight are settled. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearWakeTimer();
    const inFlight = [...this.subscriptions.values()].flatMap((subscription) => [...subscription.inFlight]);
    this.subscriptions.clear();
    await Promise.all(inFlight);
    this.resolveIdleWaiters();
  }

  private deliver(subscription: ActiveSubscription, messages: ReceivedMessage[]): void {
    const delivery = this.runDelivery(subscription, messages).finally(() => {
      subscription.inFlight.delete(delivery);
      this.pump();
    });
    subscription.inFlight.add(delivery);
  }

  /** Settles like the Functions trigger with autoComplete: success completes, a throw abandons. */
  private async runDelivery(subscription: ActiveSubscription, messages: ReceivedMessage[]): Promise<void> {
    let handled: boolean;
    try {
      // Start the handler on a later tick, so it never runs inside the pump that locked its messages.
      await Promise.resolve().then(() => subscription.handler(messages));
      handled = true;
    } catch {
      handled = false;
    }
    for (const message of messages) {
      try {
        if (handled) {
          subscription.queue.complete(message.lockToken, this.nowMs());
          this.counters.completed++;
        } else {
          subscription.queue.abandon(message.lockToken, this.nowMs());
          this.counters.abandoned++;
        }
      } catch (error) {
        // Subscription locks are renewed while the handler runs, so only a settled-elsewhere lock lands here.
        if (!(error instanceof MessageLockLostError)) throw error;
      }
    }
  }

  private sweep(queue: BrokerQueue): void {
    this.counters.locksExpired += queue.sweep(this.nowMs());
  }

  private isIdle(): boolean {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.inFlight.size > 0 || subscription.queue.hasReady()) return false;
    }
    return true;
  }

  private resolveIdleWaiters(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Coalesces the pumps that publishes and settlements ask for into one, after the caller's code runs. */
  private queuePump(): void {
    if (this.pumpQueued || this.closed) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      if (this.pumpQueued) this.pump();
    });
  }

  /**
   * One real timer for the whole broker, aimed at the next instant the clock says something is due. With
   * an offset clock the wait is exact; with a frozen clock it recurs at that distance instead of spinning.
   */
  private armWakeTimer(): void {
    if (!this.useTimers || this.closed) return;
    let wakeAtMs: number | undefined;
    for (const subscription of this.subscriptions.values()) {
      const candidate = subscription.queue.nextWakeAtMs();
      if (candidate !== undefined && (wakeAtMs === undefined || candidate < wakeAtMs)) wakeAtMs = candidate;
    }
    if (wakeAtMs === this.wakeTimerFor) return;
    this.clearWakeTimer();
    if (wakeAtMs === undefined) return;
    const delayMs = Math.min(Math.max(wakeAtMs - this.nowMs(), 1), maxTimerDelayMs);
    this.wakeTimerFor = wakeAtMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeTimerFor = undefined;
      this.pump();
    }, delayMs);
    // The broker alone must not keep a process (or a test run) alive.
    this.wakeTimer.unref();
  }

  private clearWakeTimer(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeTimerFor = undefined;
  }

  private queue(queueName: string): BrokerQueue {
    const queue = this.queuesByName.get(queueName);
    if (!queue) {
      throw new Error(
        `LocalBroker has no queue "${queueName}" (known: ${[...this.queuesByName.keys()].join(", ")})`,
      );
    }
    return queue;
  }

  private queueHolding(lockToken: string): BrokerQueue {
    for (const queue of this.queuesByName.values()) {
      this.sweep(queue);
      if (queue.holdsLock(lockToken)) return queue;
    }
    throw new MessageLockLostError(lockToken);
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}
