import { describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../../shared/domain/webhooks";
import { SubscribedTenants } from "../../../shared/usecases/steps/feedAudience";
import { ManualClock } from "../../support/pipeline";
import { subscription } from "../../support/webhookDocuments";

/** A webhook store over a list of subscriptions, counting its reads; `failing` makes the next read fail. */
function subscriptions(list: WebhookSubscription[]) {
  const store = {
    reads: 0,
    failing: false,
    async listSubscriptions(tenant: string) {
      store.reads += 1;
      if (store.failing) throw new Error("store unavailable");
      return list.filter((s) => s.tenant === tenant);
    },
  };
  return store;
}

describe("SubscribedTenants: whose feed lists every transition", () => {
  it("is a tenant with an order.status subscription, paused or not, and no other", async () => {
    const store = subscriptions([
      subscription("991825827"),
      { ...subscription("987654325"), events: ["recipient.status"] },
      { ...subscription("310000027"), paused: true },
    ]);
    const audience = new SubscribedTenants(store, new ManualClock(new Date("2026-12-07T10:00:00Z")));
    expect(await audience.listsTransitions("991825827")).toBe(true);
    expect(await audience.listsTransitions("987654325")).toBe(false);
    expect(await audience.listsTransitions("310000027")).toBe(true);
    expect(await audience.listsTransitions("123456785")).toBe(false);
  });

  it("reads a tenant's subscriptions once a minute, so a new subscription counts within a minute", async () => {
    const list: WebhookSubscription[] = [];
    const store = subscriptions(list);
    const clock = new ManualClock(new Date("2026-12-07T10:00:00Z"));
    const audience = new SubscribedTenants(store, clock);
    expect(await audience.listsTransitions("991825827")).toBe(false);
    list.push(subscription("991825827"));
    clock.advance(59_000);
    expect(await audience.listsTransitions("991825827")).toBe(false);
    expect(store.reads).toBe(1);
    clock.advance(1_000);
    expect(await audience.listsTransitions("991825827")).toBe(true);
    expect(store.reads).toBe(2);
  });

  it("counts a subscription registered in this instance at once", async () => {
    const list: WebhookSubscription[] = [];
    const audience = new SubscribedTenants(
      subscriptions(list),
      new ManualClock(new Date("2026-12-07T10:00:00Z")),
    );
    expect(await audience.listsTransitions("991825827")).toBe(false);
    list.push(subscription("991825827"));
    audience.subscriptionsChanged("991825827");
    expect(await audience.listsTransitions("991825827")).toBe(true);
  });

  it("asks again after a failed read instead of remembering the failure", async () => {
    const store = subscriptions([subscription("991825827")]);
    const audience = new SubscribedTenants(store, new ManualClock(new Date("2026-12-07T10:00:00Z")));
    store.failing = true;
    await expect(audience.listsTransitions("991825827")).rejects.toThrow("store unavailable");
    store.failing = false;
    expect(await audience.listsTransitions("991825827")).toBe(true);
  });
});
