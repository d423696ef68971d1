/**
 * The Azure resources the code depends on, named once. The local host creates them in the embedded
 * Cosmos server and the local broker; the Bicep templates declare the same ones (checked by drift tests).
 */

interface CompositeIndexPath {
  path: string;
  order: "ascending" | "descending";
}

export interface ContainerDefinition {
  name: string;
  partitionKeyPath: string;
  /**
   * The only paths Cosmos DB indexes (every other path is excluded): those the code's queries filter or sort
   * on. Each write indexes every included value of the document, so indexing message bodies, templates,
   * recipient lists and raw delivery reports that no query reads would bill RU on every write for nothing.
   * The local store refuses a query on a path left out here (shared/local/indexCoverage.ts).
   */
  indexedPaths: string[];
  compositeIndexes: CompositeIndexPath[][];
  /** Seconds; -1 enables per-item TTL without a container default. Absent: TTL off. */
  defaultTtl?: number;
  /** Paths whose value is unique within a logical partition (set only when a container is created). */
  uniqueKeys: string[];
}

export const databaseName = "varsel";

export const containers = {
  /** Order chains (idempotency records) and orders (shipments); partitioned by their own id. */
  orders: {
    name: "orders",
    partitionKeyPath: "/pk",
    // Due orders (in release order: send time, then id), orders to sweep, senders' references, an order's open send batches, templates by name and
    // version, and the erasure of a person's orders and recipient parts.
    indexedPaths: [
      "/docType/?",
      "/id/?",
      "/status/?",
      "/requestedSendTime/?",
      "/sweepAt/?",
      "/creator/?",
      "/sendersReference/?",
      "/created/?",
      "/pk/?",
      "/name/?",
      "/version/?",
      "/quarantine/*",
      "/recipients/[]/nationalIdentityNumber/?",
    ],
    compositeIndexes: [
      [
        { path: "/status", order: "ascending" },
        { path: "/requestedSendTime", order: "ascending" },
        { path: "/id", order: "ascending" },
      ],
      [
        { path: "/creator", order: "ascending" },
        { path: "/sendersReference", order: "ascending" },
        { path: "/created", order: "ascending" },
      ],
    ],
    uniqueKeys: [],
    // Every document carries its own TTL from the retention settings (domain/retention.ts).
    defaultTtl: -1,
  },
  /** One document per email or SMS; partitioned by order so an order's notifications are one partition. */
  notifications: {
    name: "notifications",
    partitionKeyPath: "/orderId",
    // An order's notifications (by creation, by id, pending, counted by status), expired ones, the support
    // lookup and erasure by recipient, the usage report by channel and creation time, and an SMS by the
    // gateway reference its delivery report names.
    indexedPaths: [
      "/orderId/?",
      "/id/?",
      "/created/?",
      "/channel/?",
      "/status/?",
      "/expiry/?",
      "/reference/?",
      "/quarantine/*",
      "/recipient/nationalIdentityNumber/?",
      "/recipient/organizationNumber/?",
      "/recipient/address/?",
    ],
    compositeIndexes: [
      [
        { path: "/status", order: "ascending" },
        { path: "/expiry", order: "ascending" },
      ],
    ],
    uniqueKeys: [],
    defaultTtl: -1,
  },
  /** Lookup documents from a provider reference (ACS operation id, LINK gateway reference) to a notification. */
  deliveryReferences: {
    name: "deliveryReferences",
    partitionKeyPath: "/pk",
    // Point reads only.
    indexedPaths: [],
    compositeIndexes: [],
    uniqueKeys: [],
    defaultTtl: -1,
  },
  /** Local copies of the contact registers (KRR persons, organisation addresses, user contact points). */
  registry: {
    name: "registry",
    partitionKeyPath: "/pk",
    // A register's user contact points and role assignments, the import's sweep of stale entries, erasure.
    indexedPaths: ["/pk/?", "/type/?", "/resources/*", "/importRun/?", "/nationalIdentityNumber/?"],
    compositeIndexes: [],
    uniqueKeys: [],
  },
  /** Order state changes per tenant; a sequence number is taken once per tenant, so entries have no gaps. */
  statusFeed: {
    name: "statusFeed",
    partitionKeyPath: "/creator",
    // A tenant's entries in sequence (by status too), its highest number, and erasure by destination.
    indexedPaths: [
      "/creator/?",
      "/docType/?",
      "/sequenceNumber/?",
      "/status/?",
      "/recipients/[]/destination/?",
    ],
    compositeIndexes: [],
    uniqueKeys: ["/sequenceNumber"],
    // 90 days, as Altinn, for anything written without its own TTL; entries carry the configured one.
    defaultTtl: 90 * 24 * 60 * 60,
  },
  /** Webhook subscriptions and their deliveries, in the tenant's partition (pk = tenant); per-item TTL. */
  webhooks: {
    name: "webhooks",
    partitionKeyPath: "/pk",
    // A tenant's subscriptions, the active ones, a subscription's deliveries by status and due time, erasure.
    indexedPaths: [
      "/docType/?",
      "/tenant/?",
      "/created/?",
      "/paused/?",
      "/subscriptionId/?",
      "/status/?",
      "/sequence/?",
      "/nextAttemptAt/?",
      "/quarantine/*",
      "/payload/data/destination/?",
      "/payload/data/recipients/[]/destination/?",
    ],
    // A subscription's deliveries of one status in feed order, without passing the delivered ones it keeps for
    // 30 days (a million for one large order's recipient events).
    compositeIndexes: [
      [
        { path: "/subscriptionId", order: "ascending" },
        { path: "/status", order: "ascending" },
        { path: "/sequence", order: "ascending" },
      ],
    ],
    defaultTtl: -1,
    uniqueKeys: [],
  },
  /** Delivery reports that could not be applied, kept for an operator to replay. */
  deadDeliveryReports: {
    name: "deadDeliveryReports",
    partitionKeyPath: "/pk",
    // The open reports, oldest first.
    indexedPaths: ["/resolved/?", "/firstSeen/?", "/quarantine/*"],
    compositeIndexes: [],
    uniqueKeys: [],
    defaultTtl: -1,
  },
  /** Provider pacing: one token bucket per provider resource (ACS sender domain, LINK account); pk = id. */
  rateBuckets: {
    name: "rateBuckets",
    partitionKeyPath: "/id",
    // Point reads only.
    indexedPaths: [],
    compositeIndexes: [],
    uniqueKeys: [],
  },
} as const satisfies Record<string, ContainerDefinition>;

export type ContainerKey = keyof typeof containers;

export interface QueueDefinition {
  name: string;
  /** ISO-8601 duration, as Service Bus takes it. */
  lockDuration: string;
  maxDeliveryCount: number;
  duplicateDetectionWindow: string;
}

const queueDefaults = { lockDuration: "PT1M", maxDeliveryCount: 10, duplicateDetectionWindow: "PT10M" };

export const queues = {
  processOrder: { name: "process-order", ...queueDefaults, lockDuration: "PT5M" },
  sendEmail: { name: "send-email", ...queueDefaults },
  sendSms: { name: "send-sms", ...queueDefaults },
  // The bulk lane (domain/lanes.ts): large orders' fan-out and sends, served by their own functions.
  processOrderBulk: { name: "process-order-bulk", ...queueDefaults, lockDuration: "PT5M" },
  sendEmailBulk: { name: "send-email-bulk", ...queueDefaults },
  sendSmsBulk: { name: "send-sms-bulk", ...queueDefaults },
  deliveryReports: { name: "delivery-reports", ...queueDefaults },
} as const satisfies Record<string, QueueDefinition>;

export type QueueKey = keyof typeof queues;

/** The app setting prefix of the identity-based Service Bus connection used by every queue trigger. */
export const serviceBusConnection = "ServiceBusConnection";
