import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CosmosWebhookStore } from "../../../shared/adapters/cosmos/cosmosWebhookStore";
import { localOutboundPolicy } from "../../../shared/adapters/http/ssrfGuard";
import { HttpWebhookPoster } from "../../../shared/adapters/http/webhookClient";
import type { WebhookPayload } from "../../../shared/domain/webhooks";
import { containers } from "../../../shared/platform/resources";
import type { NewNotification } from "../../../shared/ports/notificationStore";
import type { RecipientStatusPages } from "../../../shared/ports/recipientStatuses";
import type { WebhookStore } from "../../../shared/ports/webhooks";
import { dispatchWebhooks, type DispatchDeps } from "../../../shared/usecases/dispatchWebhooks";
import type { FeedAudience } from "../../../shared/ports/feedAudience";
import { everyTenant } from "../../../shared/usecases/steps/feedAudience";
import { registerWebhookSubscription } from "../../../shared/usecases/registerWebhookSubscription";
import { completeOrder, maxFeedRecipients } from "../../../shared/usecases/steps/transitionOrder";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleEmail, sampleSms } from "../../support/notifications";
import { sampleOrder } from "../../support/orders";
import { cosmosStores, ManualClock } from "../../support/pipeline";
import { WebhookReceiver } from "../../support/webhookReceiver";

let cosmos: TestCosmos;
let stores: ReturnType<typeof cosmosStores>;
let receiver: WebhookReceiver;
let deps: DispatchDeps & { feedAudience: FeedAudience };
let clock: ManualClock;
const tenant = "991825827";
/** One more than a feed entry lists: the order's recipients reach webhooks only through its notifications. */
const recipients = maxFeedRecipients + 1;

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

beforeEach(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
  const database = await cosmos.freshDatabase();
  stores = cosmosStores(database);
  clock = new ManualClock(new Date("2026-11-23T12:00:00.000Z"));
  deps = {
    feedAudience: everyTenant,
    webhooks: new CosmosWebhookStore(database.container(containers.webhooks.name)),
    webhookPoster: new HttpWebhookPoster(localOutboundPolicy),
    statusFeed: stores.statusFeed,
    notifications: stores.notifications,
    clock,
  };
  return () => receiver.close();
});

async function subscribe(events: Array<"order.status" | "recipient.status">) {
  const subscription = await registerWebhookSubscription(deps, tenant, { url: receiver.url, events });
  receiver.secrets = subscription.secrets.map((s) => s.secret);
  return subscription;
}

/**
 * A processed order of more recipients than its feed entry lists, every notification final (every tenth one
 * expired, Failed_TTL), completed as the sweeper completes it: the feed entry lists no recipient.
 */
async function completeLargeOrder(): Promise<string> {
  const order = sampleOrder({
    recipients: [],
    recipientCount: recipients,
    status: "Processed",
    notificationChannel: "EmailPreferred",
  });
  await stores.orders.createOrder(order);
  const at = clock.now().toISOString();
  const notifications: NewNotification[] = Array.from({ length: recipients }, (_, i) =>
    i % 2 === 0
      ? sampleEmail(order.id, at, {
          status: i % 10 === 0 ? "Failed_TTL" : "Delivered",
          recipient: { address: `person${i}@example.org` },
        })
      : sampleSms(order.id, at, {
          status: i % 10 === 5 ? "Failed_TTL" : "Delivered",
          recipient: { address: `+4790${String(i).padStart(6, "0")}` },
        }),
  );
  await stores.notifications.createMany(notifications);
  const stored = await stores.orders.getOrder(order.id);
  if (!stored) throw new Error("the order was not stored");
  await completeOrder({ ...stores, clock }, stored, {}, "always");
  return order.id;
}

/** Runs the dispatcher until a run has nothing left to queue or send (at most `limit` runs). */
async function dispatchUntilIdle(run: () => Promise<unknown> = () => dispatchWebhooks(deps), limit = 30) {
  for (let runs = 1; runs <= limit; runs += 1) {
    const before = receiver.requests.length;
    await run();
    clock.advance(15_000);
    const subscriptions = await deps.webhooks.listSubscriptions(tenant);
    const pending = await Promise.all(subscriptions.map((s) => deps.webhooks.pendingDeliveries(s)));
    const moving = subscriptions.some((s) => s.recipientCursor !== undefined);
    if (receiver.requests.length === before && !moving && pending.every((p) => p === 0)) return runs;
  }
  throw new Error(`the dispatcher was still busy after ${limit} runs`);
}

const payloads = () => receiver.accepted.map((a) => a.body as WebhookPayload);

/** Every recipient once: one event per destination, with its order's final entry's sequence. */
function expectEveryRecipientOnce(shipmentId: string) {
  expect(receiver.badSignatures).toEqual([]);
  expect(new Set(receiver.requests.map((r) => r.id)).size).toBe(receiver.requests.length);
  const events = payloads().filter((p) => p.type === "recipient.status");
  expect(events).toHaveLength(recipients);
  expect(new Set(events.map((p) => p.data.destination)).size).toBe(recipients);
  expect(events.every((p) => p.data.shipmentId === shipmentId)).toBe(true);
  return events;
}

/** The store, failing the `n`th cursor move once (a run that dies between queuing and moving its cursor). */
function failingCursorMove(store: WebhookStore, n: number) {
  const wrapped: WebhookStore = Object.create(store) as WebhookStore;
  let moves = 0;
  wrapped.updateSubscription = async (subscription, changes) => {
    moves += 1;
    if (moves === n) throw new Error("the process died before moving the cursor");
    return store.updateSubscription(subscription, changes);
  };
  return wrapped;
}

describe("recipient events of an order too large for its feed entry", () => {
  it("delivers one signed recipient.status event per recipient, Failed_TTL included, in the payload of a listed one", async () => {
    await subscribe(["order.status", "recipient.status"]);
    const shipmentId = await completeLargeOrder();
    await dispatchUntilIdle();

    const events = expectEveryRecipientOnce(shipmentId);
    expect(receiver.requests).toHaveLength(recipients + 1); // every recipient and the order, none twice
    const [completed] = payloads().filter((p) => p.type === "order.status");
    expect(completed?.data).toMatchObject({ status: "Order_Completed", recipients: [] });
    // The order's one change: its recipient events share its entry's sequence number, as listed ones do.
    expect(new Set(events.map((p) => p.data.sequence))).toEqual(new Set([completed?.data.sequence]));
    expect(events.filter((p) => p.data.status === "Email_Failed_TTL")).toHaveLength(101);
    expect(events.filter((p) => p.data.status === "SMS_Failed_TTL")).toHaveLength(100);
    expect(events.find((p) => p.data.destination === "person2@example.org")).toEqual({
      type: "recipient.status",
      timestamp: expect.any(String),
      data: {
        sequence: completed?.data.sequence,
        shipmentId,
        sendersReference: "ref-1",
        shipmentType: "Notification",
        destination: "person2@example.org",
        status: "Email_Delivered",
        lastUpdate: expect.any(String),
      },
    });
  });

  it("delivers nothing twice when runs die between queuing a page and moving the cursor", async () => {
    await subscribe(["recipient.status"]);
    const shipmentId = await completeLargeOrder();
    const store = deps.webhooks;
    // Moves 1–3 of the first run: the start of the order's recipients, then after its first and second page.
    for (const n of [1, 2, 3]) {
      await dispatchWebhooks({ ...deps, webhooks: failingCursorMove(store, n) });
      clock.advance(15_000);
    }
    await dispatchUntilIdle();

    expectEveryRecipientOnce(shipmentId);
    expect(receiver.requests).toHaveLength(recipients);
  });

  it("delivers nothing twice when two dispatchers run at once", async () => {
    await subscribe(["recipient.status"]);
    const shipmentId = await completeLargeOrder();
    await dispatchUntilIdle(() => Promise.all([dispatchWebhooks(deps), dispatchWebhooks(deps)]));

    expectEveryRecipientOnce(shipmentId);
    expect(receiver.requests).toHaveLength(recipients);
  });

  it("reads no notification for a subscription to order events only", async () => {
    await subscribe(["order.status"]);
    await completeLargeOrder();
    const reads = { pages: 0 };
    const counting: RecipientStatusPages = {
      recipientStatuses: (orderId, after, limit) => {
        reads.pages += 1;
        return stores.notifications.recipientStatuses(orderId, after, limit);
      },
    };
    await dispatchWebhooks({ ...deps, notifications: counting });

    expect(reads.pages).toBe(0);
    expect(payloads().map((p) => p.data.status)).toEqual(["Order_Completed"]);
  });

  it("stops queuing a large order's events while the receiver is down, and sends them all once it is back", async () => {
    const subscription = await subscribe(["recipient.status"]);
    const shipmentId = await completeLargeOrder();
    receiver.down = true;
    await dispatchWebhooks(deps);
    clock.advance(15_000);
    await dispatchWebhooks(deps);
    const pending = await deps.webhooks.pendingDeliveries(subscription);
    // One run's pages at most beyond the backlog, however long the receiver stays down.
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(recipients);

    receiver.down = false;
    clock.advance(5 * 60_000); // past the first retries
    await dispatchUntilIdle();
    const accepted = new Set(receiver.accepted.map((a) => a.id));
    expect(accepted.size).toBe(recipients);
    expect(
      new Set(payloads().map((p) => p.data.destination)).size,
      `every recipient of ${shipmentId} once`,
    ).toBe(recipients);
  });
});
