import { SpanKind, context, trace, type Attributes } from "@opentelemetry/api";
import type { NotificationDocument } from "../domain/notification";
import {
  emailLifecycleName,
  emailResults,
  isPendingNotification,
  orderLifecycleName,
  smsLifecycleName,
  smsResults,
  type EmailResult,
  type SmsResult,
} from "../domain/statuses";
import { isAppError } from "../errors";
import type { QueueKey } from "../platform/resources";
import type { EmailSender } from "../ports/emailSender";
import type { NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { OutgoingMessage, Publisher } from "../ports/publisher";
import type { SmsSender } from "../ports/smsSender";
import type { StatusFeed } from "../ports/statusFeed";
import { varselMetrics } from "./metrics";
import { traceCarrierOf, traceparentOf } from "./traceContext";
import { errorType, inOrderSpan, inSpan } from "./tracing";

/** The port with some of its methods replaced; the others are the inner port's, bound to it. */
function decorate<Port extends object, T extends Port = Port>(inner: T, overrides: Partial<Port>): T {
  return new Proxy(inner, {
    get(target, property, receiver): unknown {
      if (Object.hasOwn(overrides, property)) return Reflect.get(overrides, property);
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

type NotificationState = { channel: "email"; status: EmailResult } | { channel: "sms"; status: SmsResult };

/** The notification's channel with a status it may take (a status of the other channel gives nothing). */
function stateOf(channel: NotificationDocument["channel"], status: string): NotificationState | undefined {
  if (channel === "email") {
    const result = emailResults.find((r) => r === status);
    return result && { channel, status: result };
  }
  const result = smsResults.find((r) => r === status);
  return result && { channel, status: result };
}

function lifecycleName(state: NotificationState): string {
  return state.channel === "email" ? emailLifecycleName(state.status) : smsLifecycleName(state.status);
}

/** The active span's context as a `traceparent`, when there is a valid one (a request's, a queue hop's). */
function activeTraceparent(): string | undefined {
  const active = trace.getSpanContext(context.active());
  return active && trace.isSpanContextValid(active) ? traceparentOf(active) : undefined;
}

const orderAttribute = (orderId: string | undefined) => (orderId ? { "varsel.order.id": orderId } : {});

/**
 * Publishes inside a producer span of each message's order (its correlation id) and puts that span's W3C
 * context on the message, so the consumer continues the same trace: a child of the active span on a queue
 * hop, of the span the order's document names when a timer publishes (`orderTrace`). Messages without an
 * order (delivery report retries) carry the active context.
 */
export function tracedPublisher<P extends Publisher>(inner: P): P {
  return decorate<Publisher, P>(inner, {
    async publish(queue: QueueKey, messages: OutgoingMessage[]): Promise<void> {
      const byOrder = new Map<string | undefined, OutgoingMessage[]>();
      for (const message of messages) {
        const group = byOrder.get(message.correlationId) ?? [];
        group.push(message);
        byOrder.set(message.correlationId, group);
      }
      const attributes = (count: number): Attributes => ({
        "messaging.system": "servicebus",
        "messaging.operation.type": "send",
        "messaging.destination.name": queue,
        "messaging.batch.message_count": count,
      });
      const stamp = (group: OutgoingMessage[]) => {
        const active = trace.getSpanContext(context.active());
        const carrier = active ? traceCarrierOf(active) : {};
        return group.map(({ orderTrace: _sent, ...m }) => ({
          ...m,
          applicationProperties: { ...m.applicationProperties, ...carrier },
        }));
      };
      const stamped: OutgoingMessage[] = [];
      for (const [orderId, group] of byOrder) {
        const options = { kind: SpanKind.PRODUCER, attributes: attributes(group.length) };
        const name = `publish ${queue}`;
        const named = group.find((m) => m.orderTrace !== undefined)?.orderTrace;
        // A queue hop publishes inside the span its message continued, already in the order's trace; only a
        // publisher that read the order (a timer), or one with no active span, starts from the order's document.
        const fromOrder = orderId !== undefined && (named !== undefined || activeTraceparent() === undefined);
        const work = () => Promise.resolve(stamp(group));
        stamped.push(
          ...(await (fromOrder
            ? inOrderSpan({ orderId, traceparent: named?.traceparent }, name, options, work)
            : inSpan(
                name,
                { ...options, attributes: { ...options.attributes, ...orderAttribute(orderId) } },
                work,
              ))),
        );
      }
      await inner.publish(queue, stamped);
    },
  });
}

/**
 * Order registrations and status changes as spans of the order's trace, and the orders-accepted count.
 * Registering stores the registration span's context on the order (`traceparent`, in the document intake
 * writes anyway): that span is a child of the request's, so every later span of the order (its queue hops,
 * provider calls, delivery reports, completion) lands in the request's trace, under the order's own subtree.
 */
export function tracedOrderStore<S extends OrderStore>(inner: S): S {
  return decorate<OrderStore, S>(inner, {
    createOrder: (order) => {
      const request = activeTraceparent();
      return inOrderSpan(
        { orderId: order.id, traceparent: order.traceparent ?? request },
        "order registered",
        {
          attributes: {
            "varsel.org": order.creator,
            "varsel.order.type": order.type,
            // An order due at intake is stored already Processing (claimed): no status change of its own.
            "varsel.order.status": orderLifecycleName(order.status),
          },
        },
        async (span) => {
          // Outside any trace (no active span) the order keeps the trace derived from its id, as before.
          const traced =
            order.traceparent !== undefined || request === undefined
              ? order
              : { ...order, traceparent: traceparentOf(span.spanContext()) };
          const outcome = await inner.createOrder(traced);
          span.setAttribute("varsel.outcome", outcome);
          if (outcome === "created") {
            varselMetrics().ordersAccepted.add(1, {
              "varsel.org": order.creator,
              "varsel.order.type": order.type,
            });
          }
          return outcome;
        },
      );
    },
    updateOrder: (order, changes) => {
      const status = changes.status;
      if (status === undefined || status === order.status) return inner.updateOrder(order, changes);
      return inOrderSpan(
        { orderId: order.id, traceparent: order.traceparent },
        `order ${orderLifecycleName(status)}`,
        {
          attributes: {
            "varsel.org": order.creator,
            "varsel.order.status": orderLifecycleName(status),
            "varsel.order.previous_status": orderLifecycleName(order.status),
          },
        },
        () => inner.updateOrder(order, changes),
      );
    },
  });
}

interface Transition {
  before: NotificationState;
  after: NotificationState;
}

/** The notification's change to `status`, when that is a change of status its channel has. */
function transitionOf(
  notification: NotificationDocument,
  status: NotificationDocument["status"] | undefined,
): Transition | undefined {
  const before = stateOf(notification.channel, notification.status);
  const after = status === undefined ? undefined : stateOf(notification.channel, status);
  return before && after && after.status !== before.status ? { before, after } : undefined;
}

function transitionAttributes({ before, after }: Transition): Attributes {
  return {
    "varsel.channel": after.channel,
    "varsel.notification.status": lifecycleName(after),
    "varsel.notification.previous_status": lifecycleName(before),
  };
}

/** Counts `count` notifications of `notification`'s order that reached `after`, when it is final. */
function countFinal(notification: NotificationDocument, after: NotificationState, count: number): void {
  if (count === 0 || isPendingNotification(after)) return;
  // Per organisation: a Failed_TTL or bounce rate is usually one sender's list or one sender's setup.
  varselMetrics().notificationsFinal.add(count, {
    "varsel.org": notification.creator,
    "varsel.channel": after.channel,
    "varsel.notification.status": lifecycleName(after),
  });
}

/** A notification's status change as a span of its order's trace; final statuses are counted. */
function statusChange<T>(
  notification: NotificationDocument,
  status: NotificationDocument["status"] | undefined,
  apply: () => Promise<T>,
): Promise<T> {
  const transition = transitionOf(notification, status);
  if (!transition) return apply();
  return inOrderSpan(
    { orderId: notification.orderId, traceparent: notification.traceparent },
    `notification ${lifecycleName(transition.after)}`,
    { attributes: { "varsel.notification.id": notification.id, ...transitionAttributes(transition) } },
    async (span) => {
      const result = await apply();
      span.setAttribute("varsel.outcome", "updated");
      countFinal(notification, transition.after, 1);
      return result;
    },
  );
}

interface BatchStatusChange extends Transition {
  first: NotificationDocument;
  count: number;
  updated: number;
}

/**
 * A batch's status changes grouped by order and transition: one span for each group instead of one for each
 * notification. A bulk order's trace would otherwise hold a span per recipient and status (three for each
 * notification of a 5.5-million order, every one billed by Application Insights); the status APIs name each
 * notification's status.
 */
function batchStatusChanges(
  updates: Parameters<NotificationStore["updateMany"]>[0],
  results: Awaited<ReturnType<NotificationStore["updateMany"]>>,
): BatchStatusChange[] {
  const groups = new Map<string, BatchStatusChange>();
  updates.forEach(({ notification, changes }, i) => {
    const transition = transitionOf(notification, changes.status);
    if (!transition) return;
    const key = `${notification.orderId} ${transition.before.status} ${transition.after.status}`;
    const group = groups.get(key) ?? { first: notification, ...transition, count: 0, updated: 0 };
    group.count += 1;
    if (results[i] === "updated") group.updated += 1;
    groups.set(key, group);
  });
  return [...groups.values()];
}

/** A batch's status changes as a span per order and transition; final statuses are counted. */
function batchStatusSpan(change: BatchStatusChange): Promise<void> {
  const { first, count, updated } = change;
  const attributes: Attributes = {
    ...transitionAttributes(change),
    "varsel.notification.count": count,
    "varsel.notification.updated": updated,
    // A group of one still names its notification.
    ...(count === 1 ? { "varsel.notification.id": first.id } : {}),
    "varsel.outcome": updated > 0 ? "updated" : "conflict",
  };
  return inOrderSpan(
    { orderId: first.orderId, traceparent: first.traceparent },
    `notifications ${lifecycleName(change.after)}`,
    { attributes },
    () => Promise.resolve(countFinal(first, change.after, updated)),
  );
}

function tracedNotificationStore<S extends NotificationStore>(inner: S): S {
  return decorate<NotificationStore, S>(inner, {
    update: (notification, changes) =>
      statusChange(notification, changes.status, () => inner.update(notification, changes)),
    updateMany: async (updates) => {
      const results = await inner.updateMany(updates);
      await Promise.all(batchStatusChanges(updates, results).map(batchStatusSpan));
      return results;
    },
  });
}

/** The HTTP status a provider adapter names in its transient error ("status 429", "HTTP 503"), if any. */
function providerStatus(error: unknown): number | undefined {
  if (!isAppError(error, "transient")) return undefined;
  const match = /(?:status|HTTP) (\d{3})\b/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/**
 * A provider call as a client span, timed in the latency histogram by outcome; failures are counted by
 * error kind and HTTP status, so throttling (429) and provider errors (5xx) get their own series.
 */
async function providerCall<T>(
  provider: "acs" | "link",
  name: string,
  attributes: Attributes,
  call: () => Promise<T>,
  outcomeOf: (result: T) => string,
): Promise<T> {
  const started = performance.now();
  const labels = { "varsel.provider": provider };
  const timed = (outcome: string) =>
    varselMetrics().providerDuration.record(performance.now() - started, {
      ...labels,
      "varsel.outcome": outcome,
    });
  return inSpan(name, { kind: SpanKind.CLIENT, attributes: { ...labels, ...attributes } }, async (span) => {
    try {
      const result = await call();
      const outcome = outcomeOf(result);
      span.setAttribute("varsel.outcome", outcome);
      timed(outcome);
      return result;
    } catch (error) {
      const status = providerStatus(error);
      const statusLabel = status !== undefined ? { "http.response.status_code": status } : {};
      span.setAttributes(statusLabel);
      timed("error");
      varselMetrics().providerFailures.add(1, { ...labels, "error.type": errorType(error), ...statusLabel });
      throw error;
    }
  });
}

export function tracedEmailSender<S extends EmailSender>(inner: S): S {
  return decorate<EmailSender, S>(inner, {
    send: (message) =>
      providerCall(
        "acs",
        "ACS send email",
        { "varsel.notification.id": message.notificationId, "varsel.channel": "email" },
        () => inner.send(message),
        (result) => (result.outcome === "accepted" ? "accepted" : result.result),
      ),
  });
}

export function tracedSmsSender<S extends SmsSender>(inner: S): S {
  return decorate<SmsSender, S>(inner, {
    send: (message) =>
      providerCall(
        "link",
        "LINK send SMS",
        { "varsel.notification.id": message.notificationId, "varsel.channel": "sms" },
        () => inner.send(message),
        (result) => (result.outcome === "accepted" ? "accepted" : result.result),
      ),
    sendMany: (messages) =>
      providerCall(
        "link",
        "LINK send SMS batch",
        { "varsel.channel": "sms", "messaging.batch.message_count": messages.length },
        () => inner.sendMany(messages),
        (results) => (results.every((r) => r.outcome === "accepted") ? "accepted" : "partly-failed"),
      ),
  });
}

/**
 * Each status-feed entry as a span of its order's trace (`feed Order_Completed`, …): for an order its
 * notification holds (domain/heldOrders.ts) the entry is its completion, with no write of the order.
 */
function tracedStatusFeed<S extends StatusFeed>(inner: S): S {
  return decorate<StatusFeed, S>(inner, {
    append: ({ traceparent, ...entry }) =>
      inOrderSpan(
        { orderId: entry.shipmentId, traceparent },
        `feed ${entry.status}`,
        { attributes: { "varsel.org": entry.creator, "varsel.order.status": entry.status } },
        () => inner.append(entry),
      ),
  });
}

interface InstrumentedPorts {
  orders: OrderStore;
  notifications: NotificationStore;
  statusFeed: StatusFeed;
  publisher: Publisher;
  emailSender: EmailSender;
  smsSender: SmsSender;
}

/** The same dependencies with telemetry around the ports, so the use cases stay free of it. */
export function withTelemetry<T extends InstrumentedPorts>(deps: T): T {
  return {
    ...deps,
    orders: tracedOrderStore(deps.orders),
    notifications: tracedNotificationStore(deps.notifications),
    statusFeed: tracedStatusFeed(deps.statusFeed),
    publisher: tracedPublisher(deps.publisher),
    emailSender: tracedEmailSender(deps.emailSender),
    smsSender: tracedSmsSender(deps.smsSender),
  };
}
