import { metrics, type Counter, type Histogram } from "@opentelemetry/api";

/**
 * The instruments an operator watches (docs/operations.md names the alerts built on them). Attributes are
 * ids of organisations, channels, statuses, queues and error kinds: never a recipient.
 */
interface VarselMetrics {
  ordersAccepted: Counter;
  notificationsFinal: Counter;
  providerDuration: Histogram;
  providerFailures: Counter;
  queueAge: Histogram;
  queueDeadLettered: Counter;
  queueDropped: Counter;
  sweeperWork: Counter;
  clientClosed: Counter;
}

let instruments: VarselMetrics | undefined;
let instrumentsFor: unknown;

/** The instruments of the global meter provider, made again if start-up replaced that provider. */
export function varselMetrics(): VarselMetrics {
  const provider = metrics.getMeterProvider();
  if (instruments && instrumentsFor === provider) return instruments;
  const meter = provider.getMeter("varsel");
  instrumentsFor = provider;
  instruments = {
    ordersAccepted: meter.createCounter("varsel.orders.accepted", {
      description: "Orders registered, by organisation and order type",
    }),
    notificationsFinal: meter.createCounter("varsel.notifications.final", {
      description: "Notifications that reached a final status, by channel, status and organisation",
    }),
    providerDuration: meter.createHistogram("varsel.provider.duration", {
      description: "Time a provider call (ACS email, LINK SMS) took, by provider and outcome",
      unit: "ms",
    }),
    providerFailures: meter.createCounter("varsel.provider.failures", {
      description: "Provider calls that failed, by provider and HTTP status (429 = throttled)",
    }),
    queueAge: meter.createHistogram("varsel.queue.age", {
      description: "Time from enqueue to the start of handling, by queue",
      unit: "ms",
    }),
    queueDeadLettered: meter.createCounter("varsel.queue.dead_lettered", {
      description: "Messages whose last delivery failed, so the broker dead-letters them, by queue",
    }),
    queueDropped: meter.createCounter("varsel.queue.dropped", {
      description:
        "Messages completed without effect (unreadable, or a permanent failure), by queue and kind",
    }),
    sweeperWork: meter.createCounter("varsel.sweeper.work", {
      description: "What the timers did, by job and action (released, re-sent, completed, quarantined, ...)",
    }),
    clientClosed: meter.createCounter("varsel.http.client_closed", {
      description:
        "Requests answered 499 NOT-00002: the client went away before the answer and the request stopped before storing anything, by route",
    }),
  };
  return instruments;
}
