import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosWebhookStore } from "../../shared/adapters/cosmos/cosmosWebhookStore";
import { isAppError } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import { findWebhookSubscriptions } from "../../shared/usecases/findWebhookSubscriptions";
import { removeWebhookSubscription } from "../../shared/usecases/removeWebhookSubscription";
import { viewWebhookSubscription } from "../../shared/usecases/viewWebhookSubscription";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { subscription } from "../support/webhookDocuments";

let cosmos: TestCosmos;
let webhooks: CosmosWebhookStore;
const mine = "991825827";
const theirs = "987654325";

beforeAll(async () => {
  cosmos = await startTestCosmos();
  webhooks = new CosmosWebhookStore(cosmos.database.container(containers.webhooks.name));
});
afterAll(() => cosmos.close());

const notFound = (e: unknown) => isAppError(e, "not-found") && e.message === "Subscription not found.";

describe("removeWebhookSubscription", () => {
  it("deletes the caller's subscription and answers what it deleted; a second delete is not found", async () => {
    const created = await webhooks.createSubscription(subscription(mine));
    const removed = await removeWebhookSubscription({ webhooks }, mine, created.id);
    expect(removed.id).toBe(created.id);
    await expect(viewWebhookSubscription({ webhooks }, mine, created.id)).rejects.toSatisfy(notFound);
    await expect(removeWebhookSubscription({ webhooks }, mine, created.id)).rejects.toSatisfy(notFound);
  });

  it("leaves another organisation's subscription alone, as if there were none", async () => {
    const created = await webhooks.createSubscription(subscription(theirs));
    await expect(removeWebhookSubscription({ webhooks }, mine, created.id)).rejects.toSatisfy(notFound);
    expect((await findWebhookSubscriptions({ webhooks }, theirs)).map((s) => s.id)).toContain(created.id);
    expect((await findWebhookSubscriptions({ webhooks }, mine)).map((s) => s.id)).not.toContain(created.id);
  });
});
