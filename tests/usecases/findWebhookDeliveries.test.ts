import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosWebhookStore } from "../../shared/adapters/cosmos/cosmosWebhookStore";
import { isAppError } from "../../shared/errors";
import { containers } from "../../shared/platform/resources";
import { findWebhookDeliveries } from "../../shared/usecases/findWebhookDeliveries";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { failedDelivery, subscription } from "../support/webhookDocuments";

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

describe("findWebhookDeliveries", () => {
  it("lists a subscription's deliveries by status, and nothing of another organisation's subscription", async () => {
    const created = await webhooks.createSubscription(subscription(mine));
    const delivery = failedDelivery(created);
    await webhooks.addDeliveries([delivery]);
    const failed = await findWebhookDeliveries({ webhooks }, mine, created.id, "failed");
    expect(failed.map((d) => d.id)).toEqual([delivery.id]);
    expect(await findWebhookDeliveries({ webhooks }, mine, created.id, "delivered")).toEqual([]);
    await expect(findWebhookDeliveries({ webhooks }, theirs, created.id, "failed")).rejects.toSatisfy(
      notFound,
    );
  });
});
