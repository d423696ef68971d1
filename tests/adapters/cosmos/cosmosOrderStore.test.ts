import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosOrderStore } from "../../../shared/adapters/cosmos/cosmosOrderStore";
import { isAppError } from "../../../shared/errors";
import { containers } from "../../../shared/platform/resources";
import { startTestCosmos, type TestCosmos } from "../../support/cosmos";
import { sampleOrder } from "../../support/orders";

let cosmos: TestCosmos;
let store: CosmosOrderStore;

beforeAll(async () => {
  cosmos = await startTestCosmos();
  store = new CosmosOrderStore(cosmos.database.container(containers.orders.name));
});
afterAll(() => cosmos.close());

describe("CosmosOrderStore against the embedded Cosmos server", () => {
  it("creates an order once and reports a second create of the same id as existing", async () => {
    const order = sampleOrder();
    expect(await store.createOrder(order)).toBe("created");
    expect(await store.createOrder(order)).toBe("exists");
    const read = await store.getOrder(order.id);
    expect(read).toMatchObject({ id: order.id, creator: order.creator, status: "Registered" });
    expect(read?._etag).toBeTruthy();
  });

  it("reads due orders in release order within a range, and moves the release cursor only from where it was read", async () => {
    const fresh = new CosmosOrderStore((await cosmos.freshDatabase()).container(containers.orders.name));
    const at = (minute: number) => `2026-12-07T09:0${minute}:00.000Z`;
    const orders = [at(1), at(0), at(1), at(2), at(5)].map((requestedSendTime) =>
      sampleOrder({ requestedSendTime }),
    );
    for (const o of orders) await fresh.createOrder(o);
    const releaseOrder = orders
      .filter((o) => o.requestedSendTime <= at(2))
      .sort((a, b) => a.requestedSendTime.localeCompare(b.requestedSendTime) || a.id.localeCompare(b.id))
      .map((o) => o.id);
    const now = new Date(at(3));
    const ids = async (range: Parameters<typeof fresh.findDue>[2]) =>
      (await fresh.findDue(now, 10, range)).documents.map((o) => o.id);
    const [, second, third] = releaseOrder;
    const positionOf = (id: string) => {
      const order = orders.find((o) => o.id === id)!;
      return { requestedSendTime: order.requestedSendTime, id };
    };

    expect(await ids({})).toEqual(releaseOrder);
    expect(await ids({ after: positionOf(second!) })).toEqual(releaseOrder.slice(2));
    expect(await ids({ upTo: positionOf(third!) })).toEqual(releaseOrder.slice(0, 3));

    expect(await fresh.getReleaseCursor()).toBeUndefined();
    const state = (id: string) => ({ position: positionOf(id), trail: [] });
    const first = await fresh.moveReleaseCursor(state(second!), undefined);
    expect(first?.position).toEqual(positionOf(second!));
    expect(await fresh.moveReleaseCursor(state(third!), undefined)).toBeUndefined();
    const moved = await fresh.moveReleaseCursor(state(third!), first);
    expect(await fresh.moveReleaseCursor(state(third!), first)).toBeUndefined();
    expect(await fresh.getReleaseCursor()).toEqual(moved);
  });

  it("reads a release cursor that no longer fits its schema as standing at the start, and moves it on", async () => {
    const container = (await cosmos.freshDatabase()).container(containers.orders.name);
    const fresh = new CosmosOrderStore(container);
    await container.items.create({
      id: "release-cursor",
      pk: "release-cursor",
      docType: "releaseCursor",
      at: 3,
    });

    const unreadable = await fresh.getReleaseCursor();
    expect(unreadable?.position).toEqual({ requestedSendTime: "", id: "" });

    const to = { position: { requestedSendTime: "2026-12-07T09:00:00.000Z", id: "a" }, trail: [] };
    expect((await fresh.moveReleaseCursor(to, unreadable))?.position).toEqual(to.position);
  });

  it("returns undefined for an unknown order", async () => {
    expect(await store.getOrder("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("applies a transition only with the ETag it was read with", async () => {
    const order = sampleOrder();
    await store.createOrder(order);
    const read = (await store.getOrder(order.id))!;
    const cancelled = await store.updateOrder(read, { status: "Cancelled" });
    expect(cancelled.status).toBe("Cancelled");
    const stale = store.updateOrder(read, { status: "Processing" });
    await expect(stale).rejects.toSatisfy((e: unknown) => isAppError(e, "conflict"));
    expect((await store.getOrder(order.id))?.status).toBe("Cancelled");
  });

  it("finds a tenant's orders by sendersReference and no other tenant's", async () => {
    const mine = sampleOrder({ sendersReference: "case-42" });
    const other = sampleOrder({ sendersReference: "case-42", creator: "987654325" });
    await store.createOrder(mine);
    await store.createOrder(other);
    const found = await store.findOrdersBySendersReference(mine.creator, "case-42");
    expect(found.map((o) => o.id)).toEqual([mine.id]);
  });

  it("reports a due order that fails its schema as unreadable beside the good ones, and skips it once quarantined", async () => {
    const now = new Date("2030-01-01T00:00:00.000Z");
    const good = sampleOrder({ requestedSendTime: "2029-12-31T23:00:00.000Z" });
    await store.createOrder(good);
    // What an unbounded reminder once stored: a six-digit year sorts before every real time.
    const poison = sampleOrder({ requestedSendTime: "2029-12-31T22:00:00.000Z" });
    await cosmos.database.container(containers.orders.name).items.create({
      ...poison,
      pk: poison.id,
      docType: "order",
      requestedSendTime: "+010000-01-01T00:00:00.000Z",
    });

    const page = await store.findDue(now, 10);
    expect(page.documents.map((o) => o.id)).toContain(good.id);
    expect(page.unreadable).toEqual([
      { id: poison.id, partitionKey: poison.id, problem: expect.stringContaining("requestedSendTime") },
    ]);

    await store.quarantine(poison.id, page.unreadable[0]!.problem, now);
    const again = await store.findDue(now, 10);
    expect(again.unreadable).toEqual([]);
    expect(again.documents.map((o) => o.id)).toContain(good.id);
  });

  it("keeps a quarantined document's deletion instant (Cosmos counts ttl from the quarantine's write)", async () => {
    const written = new Date("2030-02-01T00:00:00.000Z");
    const poison = sampleOrder({ requestedSendTime: "2030-02-01T00:00:00.000Z" });
    const retainUntil = new Date(written.getTime() + 90 * 86_400_000).toISOString();
    const container = cosmos.database.container(containers.orders.name);
    await container.items.create({
      ...poison,
      pk: poison.id,
      docType: "order",
      status: "Unreadable",
      ttl: 90 * 86_400,
      retainUntil,
    });
    const tenDaysLater = new Date(written.getTime() + 10 * 86_400_000);
    await store.quarantine(poison.id, "status: invalid", tenDaysLater);
    const { resource } = await container.item(poison.id, poison.id).read<Record<string, unknown>>();
    expect(resource).toMatchObject({
      quarantine: { problem: "status: invalid" },
      retainUntil,
      ttl: 80 * 86_400,
    });
  });

  it("finds orders by when the sweeper must look at them, earliest first", async () => {
    const at = (minute: number) => `2031-01-01T00:0${minute}:00.000Z`;
    const later = sampleOrder({ status: "Processed", sweepAt: at(5) });
    const sooner = sampleOrder({ status: "Processing", sweepAt: at(1) });
    const notYet = sampleOrder({ status: "Processed", sweepAt: at(9) });
    for (const o of [later, sooner, notYet]) await store.createOrder(o);
    const page = await store.findToSweep(new Date(at(6)), 10);
    const ids = page.documents.map((o) => o.id);
    expect(ids.indexOf(sooner.id)).toBeLessThan(ids.indexOf(later.id));
    expect(ids).not.toContain(notYet.id);
  });
});
