import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CosmosNotificationStore } from "../../shared/adapters/cosmos/cosmosNotificationStore";
import { CosmosStatusFeed } from "../../shared/adapters/cosmos/cosmosStatusFeed";
import { CosmosWebhookStore } from "../../shared/adapters/cosmos/cosmosWebhookStore";
import { hostedOutboundPolicy, localOutboundPolicy } from "../../shared/adapters/http/ssrfGuard";
import { HttpWebhookPoster } from "../../shared/adapters/http/webhookClient";
import { webhookRetryDelaysMs, type WebhookPayload } from "../../shared/domain/webhooks";
import { containers } from "../../shared/platform/resources";
import type { NewStatusFeedEntry } from "../../shared/ports/statusFeed";
import { dispatchWebhooks, type DispatchDeps } from "../../shared/usecases/dispatchWebhooks";
import type { FeedAudience } from "../../shared/ports/feedAudience";
import { everyTenant } from "../../shared/usecases/steps/feedAudience";
import { pauseWebhookSubscription } from "../../shared/usecases/pauseWebhookSubscription";
import { redeliverWebhook } from "../../shared/usecases/redeliverWebhook";
import { registerWebhookSubscription } from "../../shared/usecases/registerWebhookSubscription";
import { rotateWebhookSecret } from "../../shared/usecases/rotateWebhookSecret";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { ManualClock } from "../support/pipeline";
import { WebhookReceiver } from "../support/webhookReceiver";

let cosmos: TestCosmos;
let receiver: WebhookReceiver;
let deps: DispatchDeps & { feedAudience: FeedAudience };
let clock: ManualClock;
let feed: CosmosStatusFeed;
const tenant = "991825827";

beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

beforeEach(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
  const database = await cosmos.freshDatabase();
  clock = new ManualClock(new Date());
  feed = new CosmosStatusFeed(database.container(containers.statusFeed.name));
  deps = {
    feedAudience: everyTenant,
    webhooks: new CosmosWebhookStore(database.container(containers.webhooks.name)),
    webhookPoster: new HttpWebhookPoster(localOutboundPolicy),
    statusFeed: feed,
    notifications: new CosmosNotificationStore(database.container(containers.notifications.name)),
    clock,
  };
  return () => receiver.close();
});

/** Two transitions per order; the completion lists two recipients, one of them expired (Failed_TTL). */
async function appendTransitions(orders: number): Promise<string[]> {
  const ids = Array.from({ length: orders }, () => randomUUID());
  const at = clock.now().toISOString();
  const entry = (shipmentId: string, status: string, recipients: NewStatusFeedEntry["recipients"]) => ({
    creator: tenant,
    shipmentId,
    sendersReference: "case-4711",
    shipmentType: "Notification" as const,
    status,
    lastUpdate: at,
    recipients,
    created: at,
  });
  for (const id of ids) {
    await feed.append(entry(id, "Order_Processing", []));
    await feed.append(
      entry(id, "Order_Completed", [
        { destination: "a@example.org", status: "Email_Delivered", lastUpdate: at },
        { destination: "+4799999999", status: "SMS_Failed_TTL", lastUpdate: at },
      ]),
    );
  }
  return ids;
}

async function subscribe(
  events: Array<"order.status" | "recipient.status"> = ["order.status", "recipient.status"],
) {
  const subscription = await registerWebhookSubscription(deps, tenant, { url: receiver.url, events });
  receiver.secrets = subscription.secrets.map((s) => s.secret);
  return subscription;
}

const payloads = (r: WebhookReceiver) => r.accepted.map((a) => a.body as WebhookPayload);

/** Runs the dispatcher at each retry time in turn (the first attempt, then each delay). */
async function runThroughRetries(retries: number): Promise<void> {
  await dispatchWebhooks(deps);
  for (const delay of webhookRetryDelaysMs.slice(0, retries)) {
    clock.advance(delay);
    await dispatchWebhooks(deps);
  }
}

describe("signed status webhooks", () => {
  it("delivers every transition of a set of orders once, signed, in feed order, with per-recipient statuses", async () => {
    await subscribe();
    const orders = await appendTransitions(5);
    await dispatchWebhooks(deps);
    await dispatchWebhooks(deps);

    expect(receiver.badSignatures).toEqual([]);
    expect(receiver.requests).toHaveLength(5 * 4);
    expect(new Set(receiver.accepted.map((a) => a.id)).size).toBe(5 * 4);
    const orderEvents = payloads(receiver).filter((p) => p.type === "order.status");
    expect(orderEvents.map((p) => [p.data.shipmentId, p.data.status])).toEqual(
      orders.flatMap((id) => [
        [id, "Order_Processing"],
        [id, "Order_Completed"],
      ]),
    );
    const sequences = orderEvents.map((p) => p.data.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    const recipientEvents = payloads(receiver).filter((p) => p.type === "recipient.status");
    expect(recipientEvents.filter((p) => p.data.status === "SMS_Failed_TTL")).toHaveLength(5);
  });

  it("passes the reference library's full verification (timestamp included) when the clock is real", async () => {
    await subscribe(["order.status"]);
    await appendTransitions(1);
    const verified: unknown[] = [];
    const poster = deps.webhookPoster;
    deps.webhookPoster = {
      check: (url) => poster.check(url),
      post: async (request) => {
        verified.push(new Webhook(receiver.secrets[0]!).verify(request.body, request.headers));
        return poster.post(request);
      },
    };
    await dispatchWebhooks(deps);
    expect(verified).toHaveLength(2);
  });

  it("gives a receiver that was down for hours everything, once and in order, at the next retry", async () => {
    await subscribe(["order.status"]);
    receiver.down = true;
    const orders = await appendTransitions(3);
    await runThroughRetries(3); // first attempt, 5 s, 5 min, 30 min: all refused
    expect(receiver.accepted).toHaveLength(0);
    receiver.down = false;
    clock.advance(webhookRetryDelaysMs[3]); // the 2-hour retry
    await dispatchWebhooks(deps);
    await dispatchWebhooks(deps);

    expect(receiver.accepted.map((a) => (a.body as WebhookPayload).data.shipmentId)).toEqual(
      orders.flatMap((id) => [id, id]),
    );
    expect(new Set(receiver.accepted.map((a) => a.id)).size).toBe(6);
    // The failed attempts were retries of the same messages: the same webhook-id each time.
    expect(new Set(receiver.requests.map((r) => r.id)).size).toBe(6);
  });

  it("keeps retrying for more than 24 hours, then keeps the delivery as failed for the organisation to redeliver", async () => {
    const subscription = await subscribe(["order.status"]);
    receiver.down = true;
    await appendTransitions(1);
    await runThroughRetries(webhookRetryDelaysMs.length);
    const spanMs = webhookRetryDelaysMs.reduce((sum, d) => sum + d, 0);
    expect(spanMs).toBeGreaterThan(24 * 3_600_000);
    const failed = await deps.webhooks.listDeliveries(tenant, subscription.id, "failed", 10);
    expect(failed).toHaveLength(2);
    expect(failed[0]!.attempts).toBe(webhookRetryDelaysMs.length + 1);
    expect(failed[0]!.lastAttempt?.outcome).toContain("HTTP 503");

    receiver.down = false;
    const again = await redeliverWebhook(deps, tenant, subscription.id);
    expect(again.map((d) => d.id).sort()).toEqual(failed.map((d) => d.id).sort());
    await dispatchWebhooks(deps);
    expect(receiver.accepted.map((a) => a.id).sort()).toEqual(failed.map((d) => d.id).sort());
    expect(await deps.webhooks.listDeliveries(tenant, subscription.id, "failed", 10)).toEqual([]);
  });

  it("holds deliveries while paused and sends every change since on resume", async () => {
    const subscription = await subscribe(["order.status"]);
    await pauseWebhookSubscription(deps, tenant, subscription.id, true);
    await appendTransitions(2);
    await dispatchWebhooks(deps);
    expect(receiver.requests).toHaveLength(0);
    await pauseWebhookSubscription(deps, tenant, subscription.id, false);
    await dispatchWebhooks(deps);
    expect(receiver.accepted).toHaveLength(4);
  });

  it("signs with both secrets for a day after a rotation, then with the new one only", async () => {
    const subscription = await subscribe(["order.status"]);
    const rotated = await rotateWebhookSecret(deps, tenant, subscription.id);
    const [fresh, previous] = rotated.secrets.map((s) => s.secret);
    await appendTransitions(1);
    receiver.secrets = [fresh!];
    await dispatchWebhooks(deps);
    expect(receiver.accepted[0]!.signatures).toHaveLength(2);
    expect(receiver.badSignatures).toEqual([]);
    receiver.secrets = [previous!];
    clock.advance(25 * 3_600_000);
    await appendTransitions(1);
    await dispatchWebhooks(deps);
    expect(receiver.accepted).toHaveLength(4);
    expect(receiver.accepted[3]!.signatures).toHaveLength(1);
    expect(receiver.badSignatures).toHaveLength(2); // the old secret no longer verifies
  });

  it("starts a new subscription at the end of the feed: its history is for GET future/shipment/feed", async () => {
    await appendTransitions(2);
    await subscribe();
    await dispatchWebhooks(deps);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("the outbound guard on webhook URLs", () => {
  it("refuses a private, loopback or plain-http URL when the subscription is registered outside local mode", async () => {
    const hosted = { ...deps, webhookPoster: new HttpWebhookPoster(hostedOutboundPolicy) };
    for (const url of [
      "http://example.org/hook",
      "https://10.0.0.7/hook",
      "https://127.0.0.1/hook",
      "https://169.254.169.254/",
    ]) {
      await expect(
        registerWebhookSubscription(hosted, tenant, { url, events: ["order.status"] }),
      ).rejects.toMatchObject({ kind: "validation" });
    }
  });

  it("checks the resolved address of every delivery: a name that later resolves to metadata is not called", async () => {
    let answer = "93.184.215.14";
    const resolveHost = async () => [{ address: answer, family: 4 }];
    const poster = new HttpWebhookPoster({ ...hostedOutboundPolicy, resolveHost });
    const guarded = { ...deps, webhookPoster: poster };
    const subscription = await registerWebhookSubscription(guarded, tenant, {
      url: "https://hooks.example.org/varsel",
      events: ["order.status"],
    });
    answer = "169.254.169.254";
    await appendTransitions(1);
    await dispatchWebhooks(guarded);
    const [pending] = await guarded.webhooks.listDeliveries(tenant, subscription.id, "pending", 10);
    expect(pending?.lastAttempt?.outcome).toBe("URL refused: 169.254.169.254 is link-local");
  });

  it("does not follow a redirect", async () => {
    const result = await new HttpWebhookPoster(localOutboundPolicy).post({
      url: `${receiver.url.replace("/hooks/varsel", "")}/missing`,
      headers: {},
      body: "{}",
    });
    expect(result.outcome).toBe("delivered"); // the receiver answers 204 on every path
    const redirecting = await import("node:http").then(
      ({ createServer }) =>
        new Promise<{ url: string; close: () => void }>((resolve) => {
          const server = createServer((_req, res) => res.writeHead(307, { location: receiver.url }).end());
          server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            const port = typeof address === "object" && address ? address.port : 0;
            resolve({ url: `http://127.0.0.1:${port}/`, close: () => server.close() });
          });
        }),
    );
    const refused = await new HttpWebhookPoster(localOutboundPolicy).post({
      url: redirecting.url,
      headers: {},
      body: "{}",
    });
    redirecting.close();
    expect(refused).toEqual({ outcome: "failed", reason: "redirect (HTTP 307) not followed" });
    expect(receiver.requests).toHaveLength(1);
  });
});
