import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosOrderStore } from "../../../shared/adapters/cosmos/cosmosOrderStore";
import { CosmosTemplateStore } from "../../../shared/adapters/cosmos/cosmosTemplateStore";
import { isAppError } from "../../../shared/errors";
import { containers } from "../../../shared/platform/resources";
import { createTemplateVersion } from "../../../shared/usecases/createTemplateVersion";
import { retireTemplate } from "../../../shared/usecases/retireTemplate";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleOrder } from "../../support/orders";

let cosmos: TestCosmos;
let templates: CosmosTemplateStore;
const clock = { now: () => new Date("2026-11-23T09:00:00.000Z") };
const sms = (body: string) => ({ nb: { body } });

beforeAll(async () => {
  cosmos = await startTestCosmos();
  templates = new CosmosTemplateStore(cosmos.database.container(containers.orders.name));
});
afterAll(() => cosmos.close());

describe("CosmosTemplateStore against the embedded Cosmos server", () => {
  it("numbers each post of a name as its next version and lists the latest of each name", async () => {
    const deps = { templates, clock };
    await createTemplateVersion(deps, "991825827", { name: "b-reminder", sms: sms("one") });
    const second = await createTemplateVersion(deps, "991825827", { name: "b-reminder", sms: sms("two") });
    await createTemplateVersion(deps, "991825827", { name: "a-receipt", sms: sms("receipt") });
    expect(second).toMatchObject({ version: 2, sms: { nb: { body: "two" } } });
    expect((await templates.versions("991825827", "b-reminder")).map((v) => v.version)).toEqual([1, 2]);
    const latest = await templates.latestVersions("991825827");
    expect(latest.map((t) => [t.name, t.version])).toEqual([
      ["a-receipt", 1],
      ["b-reminder", 2],
    ]);
  });

  it("creates one version of a number when two posts race for it", async () => {
    const version = { creator: "991825827", name: "race", version: 1, created: clock.now().toISOString() };
    const outcomes = await Promise.all([
      templates.createVersion({ ...version, sms: sms("first") }),
      templates.createVersion({ ...version, sms: sms("second") }),
    ]);
    expect(outcomes.sort()).toEqual(["created", "exists"]);
    expect(await templates.versions("991825827", "race")).toHaveLength(1);
  });

  it("never shows one organisation's templates to another", async () => {
    await createTemplateVersion({ templates, clock }, "987654325", { name: "secret", sms: sms("theirs") });
    expect(await templates.versions("991825827", "secret")).toEqual([]);
    expect((await templates.latestVersions("991825827")).map((t) => t.name)).not.toContain("secret");
  });

  it("retires every version, and a retired name takes no new version", async () => {
    const deps = { templates, clock };
    await createTemplateVersion(deps, "991825827", { name: "old", sms: sms("v1") });
    await createTemplateVersion(deps, "991825827", { name: "old", sms: sms("v2") });
    const retired = await retireTemplate(deps, "991825827", "old");
    expect(retired.map((v) => v.retired)).toEqual([clock.now().toISOString(), clock.now().toISOString()]);
    await expect(createTemplateVersion(deps, "991825827", { name: "old", sms: sms("v3") })).rejects.toSatisfy(
      (e: unknown) => isAppError(e, "conflict"),
    );
  });

  it("lives beside orders without the order queries seeing it", async () => {
    const orders = new CosmosOrderStore(cosmos.database.container(containers.orders.name));
    const order = sampleOrder({ requestedSendTime: "2026-11-23T08:00:00.000Z" });
    await orders.createOrder(order);
    const due = await orders.findDue(clock.now(), 100);
    expect(due.unreadable).toEqual([]);
    expect(due.documents.map((o) => o.id)).toContain(order.id);
  });
});
