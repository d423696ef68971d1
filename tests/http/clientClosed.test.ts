import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { metrics } from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Dependencies } from "../../shared/app/dependencies";
import type { Endpoint } from "../../shared/http/endpoint";
import { createInstantSms } from "../../shared/http/handlers/instantOrders";
import { createOrderChain } from "../../shared/http/handlers/orderIntake";
import { getShipment } from "../../shared/http/handlers/orderReads";
import { getStatusFeed } from "../../shared/http/handlers/statusFeed";
import { attachClientSignal } from "../../shared/platform/clientConnection";
import { chainIds } from "../../shared/domain/deterministicIds";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { collectMetrics } from "../support/metricPoints";
import { testDependencies } from "../support/dependencies";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";
import { ManualClock } from "../support/pipeline";

/**
 * Altinn answers 499 NOT-00002 when the client cancels a request (routes 10-18 of its API). varsel does
 * where the host can tell (the local host; Azure gives a Node worker no signal): the request stops at its
 * next safe point, before it stores anything; once an order is stored it is accepted and registered whole.
 */
const tenant = "991825827";
let cosmos: TestCosmos;
let issuer: TestIssuer;
let deps: Dependencies;
let token: string;
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const base = "http://localhost:7071/notifications/api/v1";

let points: ReturnType<typeof collectMetrics>;

/** How many 499s varsel.http.client_closed has counted so far, over every route. */
async function clientClosedCount(): Promise<number> {
  return (await points("varsel.http.client_closed")).reduce((sum, point) => sum + point.value, 0);
}

beforeAll(async () => {
  points = collectMetrics();
  cosmos = await startTestCosmos();
  issuer = await startTestIssuer();
  token = await issuer.sign(serviceOwnerClaims(tenant));
});
afterAll(async () => {
  metrics.disable();
  await issuer.close();
  await cosmos.close();
});
beforeEach(async () => {
  ({ deps } = await testDependencies(await cosmos.freshDatabase(), issuer, clock));
});

interface Call {
  method?: string;
  path: string;
  body?: unknown;
  params?: Record<string, string>;
  /** The client's signal, as the local host attaches it; none: Azure. */
  client?: AbortController;
}

async function call(endpoint: Endpoint, { method = "GET", path, body, params = {}, client }: Call) {
  const request = new HttpRequest({
    method,
    url: `${base}${path}`,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    params,
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  });
  if (client) attachClientSignal(request, client.signal);
  const logged: string[] = [];
  const context = new InvocationContext({
    functionName: "test",
    logHandler: (_level, ...args) => logged.push(args.join(" ")),
  });
  const response = (await endpoint(async () => deps)(request, context)) as HttpResponseInit;
  const text = typeof response.body === "string" ? response.body : JSON.stringify(response.jsonBody ?? null);
  return { status: response.status ?? 200, body: JSON.parse(text) as Record<string, unknown>, logged };
}

function aborted(): AbortController {
  const client = new AbortController();
  client.abort();
  return client;
}

const chainOrder = (idempotencyId: string) => ({
  idempotencyId,
  requestedSendTime: "2026-11-24T09:00:00Z",
  recipient: {
    recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
  },
  reminders: [
    {
      delayDays: 1,
      recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings: { body: "Hei" } } },
    },
  ],
});

const terminated = {
  status: 499,
  body: {
    status: 499,
    code: "NOT-00002",
    detail: "The client disconnected or cancelled the request before the server could complete processing",
  },
};

describe("a request whose client went away", () => {
  it("POST future/orders: stops before the first write with 499 NOT-00002; nothing is stored, so a retry creates it", async () => {
    const counted = await clientClosedCount();
    const gone = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: chainOrder("gone-1"),
      client: aborted(),
    });
    expect(gone).toMatchObject(terminated);
    expect(gone.logged.join("\n")).toContain("499 NOT-00002");
    expect(await clientClosedCount()).toBe(counted + 1);
    const ids = chainIds(tenant, "order", "gone-1");
    expect(await deps.orders.getOrder(ids.mainOrderId)).toBeUndefined();
    expect(await deps.orders.getOrder(ids.reminderOrderId(0))).toBeUndefined();

    const retry = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: chainOrder("gone-1"),
    });
    expect(retry.status).toBe(201);
  });

  it("POST future/orders: once the main order is stored the chain is accepted whole (201), whenever the client leaves", async () => {
    const client = new AbortController();
    const createOrder = deps.orders.createOrder.bind(deps.orders);
    vi.spyOn(deps.orders, "createOrder").mockImplementation(async (order) => {
      const outcome = await createOrder(order);
      client.abort();
      return outcome;
    });
    const accepted = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: chainOrder("gone-2"),
      client,
    });
    expect(client.signal.aborted).toBe(true);
    expect(accepted.status).toBe(201);
    const ids = chainIds(tenant, "order", "gone-2");
    expect(await deps.orders.getOrder(ids.mainOrderId)).toBeDefined();
    expect(await deps.orders.getOrder(ids.reminderOrderId(0))).toBeDefined();
  });

  it("POST future/orders/instant/sms: 499 NOT-00002, nothing stored and nothing sent", async () => {
    const send = vi.spyOn(deps.smsSender, "send");
    const gone = await call(createInstantSms, {
      method: "POST",
      path: "/future/orders/instant/sms",
      body: {
        idempotencyId: "gone-instant",
        recipientSms: { phoneNumber: "+4798765432", timeToLiveInSeconds: 360, smsSettings: { body: "1234" } },
      },
      client: aborted(),
    });
    expect(gone).toMatchObject(terminated);
    expect(send).not.toHaveBeenCalled();
    expect(
      await deps.orders.getOrder(chainIds(tenant, "instant-sms", "gone-instant").mainOrderId),
    ).toBeUndefined();
  });

  it("GET future/shipment/{id} and future/shipment/feed: 499 NOT-00002 instead of the answer nobody reads", async () => {
    const created = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: chainOrder("read-1"),
    });
    const shipmentId = (created.body as { notification: { shipmentId: string } }).notification.shipmentId;
    const read = { path: `/future/shipment/${shipmentId}`, params: { id: shipmentId } };
    expect(await call(getShipment, { ...read, client: aborted() })).toMatchObject(terminated);
    expect(
      await call(getStatusFeed, { path: "/future/shipment/feed?seq=0", client: aborted() }),
    ).toMatchObject(terminated);
    // A client still there, and any request on Azure (no signal), is answered as before.
    expect((await call(getShipment, { ...read, client: new AbortController() })).status).toBe(200);
    expect((await call(getShipment, read)).status).toBe(200);
    expect((await call(getStatusFeed, { path: "/future/shipment/feed?seq=0" })).status).toBe(200);
  });
});
