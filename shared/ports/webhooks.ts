import type { WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription } from "../domain/webhooks";

type SubscriptionChanges = Partial<Omit<WebhookSubscription, "id" | "pk" | "docType" | "tenant" | "_etag">>;
type DeliveryChanges = Partial<
  Omit<WebhookDelivery, "id" | "pk" | "docType" | "tenant" | "subscriptionId" | "payload" | "_etag">
>;

/** Subscriptions and their deliveries, kept in the tenant's partition. */
export interface WebhookStore {
  createSubscription(subscription: WebhookSubscription): Promise<WebhookSubscription>;
  getSubscription(tenant: string, id: string): Promise<WebhookSubscription | undefined>;
  listSubscriptions(tenant: string): Promise<WebhookSubscription[]>;
  /** Every tenant's subscriptions that are not paused (the dispatcher's work list). */
  activeSubscriptions(): Promise<WebhookSubscription[]>;
  /** Under the ETag it was read with; a lost race is AppError "conflict". */
  updateSubscription(
    subscription: WebhookSubscription,
    changes: SubscriptionChanges,
  ): Promise<WebhookSubscription>;
  /** False when there was none. */
  deleteSubscription(tenant: string, id: string): Promise<boolean>;
  /** Creates the deliveries that do not exist yet (ids are deterministic, so a repeat adds nothing). */
  addDeliveries(deliveries: WebhookDelivery[]): Promise<void>;
  /** How many of the subscription's deliveries are pending (due or waiting for a retry). */
  pendingDeliveries(subscription: WebhookSubscription): Promise<number>;
  /** The subscription's pending deliveries due at `now`, in feed order. */
  dueDeliveries(subscription: WebhookSubscription, now: Date, limit: number): Promise<WebhookDelivery[]>;
  listDeliveries(
    tenant: string,
    subscriptionId: string,
    status: WebhookDeliveryStatus,
    limit: number,
  ): Promise<WebhookDelivery[]>;
  getDelivery(tenant: string, id: string): Promise<WebhookDelivery | undefined>;
  /** Under the ETag it was read with; a lost race is AppError "conflict". */
  updateDelivery(delivery: WebhookDelivery, changes: DeliveryChanges): Promise<WebhookDelivery>;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The receiver's answer: a 2xx, or why the attempt failed (a status, a refusal, a timeout), never its body. */
export type WebhookResult = { outcome: "delivered"; status: number } | { outcome: "failed"; reason: string };

export interface WebhookPoster {
  post(request: WebhookRequest): Promise<WebhookResult>;
  /** Whether the URL passes the outbound guard now (checked again on every delivery). */
  check(url: string): Promise<{ allowed: true } | { allowed: false; reason: string }>;
}
