import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Dependencies } from "../../shared/app/dependencies";
import type { Endpoint } from "../../shared/http/endpoint";
import { cancelFutureOrder, getOrderChain } from "../../shared/http/handlers/chains";
import { createInstantSms } from "../../shared/http/handlers/instantOrders";
import { createLegacyOrder, createOrderChain } from "../../shared/http/handlers/orderIntake";
import {
  cancelOrderById,
  getOrder,
  getShipment,
  listOrdersBySendersReference,
} from "../../shared/http/handlers/orderReads";
import { getStatusFeed } from "../../shared/http/handlers/statusFeed";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { testDependencies } from "../support/dependencies";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";
import { ManualClock, type RecordingPublisher } from "../support/pipeline";

let cosmos: TestCosmos;
let issuer: TestIssuer;
let deps: Dependencies;
let publisher: RecordingPublisher;
let token: string;
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const base = "http://localhost:7071/notifications/api/v1";

beforeAll(async () => {
  cosmos = await startTestCosmos();
  issuer = await startTestIssuer();
  token = await issuer.sign(serviceOwnerClaims("991825827"));
});
afterAll(async () => {
  await issuer.close();
  await cosmos.close();
});
beforeEach(async () => {
  ({ deps, publisher } = await testDependencies(await cosmos.freshDatabase(), issuer, clock));
  clock.set("2026-11-23T09:00:00.000Z");
});

interface Call {
  method?: string;
  path: string;
  body?: unknown;
  params?: Record<string, string>;
  authorization?: string | null;
}

async function call(endpoint: Endpoint, { method = "GET", path, body, params = {}, authorization }: Call) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const auth = authorization === undefined ? `Bearer ${token}` : authorization;
  if (auth !== null) headers["authorization"] = auth;
  const request = new HttpRequest({
    method,
    url: `${base}${path}`,
    headers,
    params,
    ...(body === undefined
      ? {}
      : { body: { string: typeof body === "string" ? body : JSON.stringify(body) } }),
  });
  const context = new InvocationContext({ functionName: "test", logHandler: () => {} });
  const response = (await endpoint(async () => deps)(request, context)) as HttpResponseInit;
  const text =
    typeof response.body === "string"
      ? response.body
      : response.jsonBody !== undefined
        ? JSON.stringify(response.jsonBody)
        : "";
  return {
    status: response.status ?? 200,
    headers: new Headers(response.headers),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const emailOrder = (idempotencyId: string, extra: Record<string, unknown> = {}) => ({
  idempotencyId,
  sendersReference: "case-1",
  requestedSendTime: "2026-11-24T09:00:00Z",
  recipient: {
    recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
  },
  ...extra,
});

describe("POST future/orders", () => {
  it("answers 201 with a Location that resolves, 200 with the same receipt on a replay", async () => {
    const created = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("k1"),
    });
    expect(created.status).toBe(201);
    const receipt = created.body as { notificationOrderId: string; notification: { shipmentId: string } };
    expect(created.headers.get("location")).toBe(`${base}/future/orders/${receipt.notificationOrderId}`);
    const chain = await call(getOrderChain, {
      path: `/future/orders/${receipt.notificationOrderId}`,
      params: { id: receipt.notificationOrderId },
    });
    expect(chain.status).toBe(200);
    expect(chain.body).toMatchObject({
      notification: { shipmentId: receipt.notification.shipmentId, status: "Order_Registered" },
    });

    const replay = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("k1"),
    });
    expect(replay).toMatchObject({ status: 200, body: created.body });
    expect(replay.headers.get("varsel-idempotency-replay")).toBeNull();
  });

  it("answers a replay whose send time has passed with its receipt, not a validation error", async () => {
    const first = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("late"),
    });
    clock.set("2026-11-25T09:00:00.000Z");
    const again = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("late"),
    });
    expect(again).toMatchObject({ status: 200, body: first.body });
  });

  it("lists every problem by field path with Altinn's messages", async () => {
    const response = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: {
        idempotencyId: "",
        recipient: {
          recipientEmail: { emailAddress: "not-an-email", emailSettings: { subject: "", body: "B" } },
        },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      title: "One or more validation errors occurred.",
      errors: {
        idempotencyId: ["IdempotencyId cannot be null or empty."],
        "recipient.recipientEmail.emailAddress": ["Invalid email address format."],
        "recipient.recipientEmail.emailSettings.subject": ["The email subject must not be empty."],
      },
    });
  });

  it("answers a reminder past year 9999 (9999-12-31 plus one day) with 400 by field path and stores nothing", async () => {
    const response = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("year-10000", {
        requestedSendTime: "9999-12-31T00:00:00Z",
        reminders: [{ delayDays: 1, recipient: emailOrder("").recipient }],
      }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.body).toMatchObject({
      errors: {
        requestedSendTime: ["RequestedSendTime must be less than or equal to 3653 days (10 years) from now."],
        "reminders[0].delayDays": [
          "RequestedSendTime plus DelayDays must be less than or equal to 3653 days (10 years) from now.",
        ],
      },
    });
    const list = await call(listOrdersBySendersReference, { path: "/orders?sendersReference=case-1" });
    expect(list.body).toEqual({ count: 0, orders: [] });
  });

  it("answers delayDays written as 1e400 (Infinity once parsed) with 400, not 500", async () => {
    const body = JSON.stringify(
      emailOrder("infinite-delay", { reminders: [{ delayDays: 7, recipient: emailOrder("").recipient }] }),
    ).replace('"delayDays":7', '"delayDays":1e400');
    const response = await call(createOrderChain, { method: "POST", path: "/future/orders", body });
    expect(response).toMatchObject({
      status: 400,
      body: {
        errors: {
          "reminders[0].delayDays": ["DelayDays must be less than or equal to 3653 days (10 years)."],
        },
      },
    });
  });

  it("stores a reminder that lands exactly on the scheduling horizon at that time", async () => {
    // Request at 2026-11-23T09:00Z, main order a day later, reminder 3652 days after that: 3653 days in all.
    const created = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("at-horizon", {
        reminders: [{ delayDays: 3652, recipient: emailOrder("").recipient }],
      }),
    });
    expect(created.status).toBe(201);
    const receipt = created.body as { notification: { reminders: { shipmentId: string }[] } };
    const reminderId = receipt.notification.reminders[0]?.shipmentId ?? "";
    const reminder = await call(getOrder, { path: `/orders/${reminderId}`, params: { id: reminderId } });
    expect(reminder.body).toMatchObject({ requestedSendTime: "2036-11-23T09:00:00.000Z" });
  });

  it("refuses a person without contact details with 422 NOT-00001 and stores nothing", async () => {
    const body = {
      idempotencyId: "no-contact",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: "01019010046",
          channelSchema: "Email",
          emailSettings: { subject: "S", body: "B" },
        },
      },
    };
    const response = await call(createOrderChain, { method: "POST", path: "/future/orders", body });
    if (response.status === 400)
      throw new Error(`the test person number is not valid: ${JSON.stringify(response.body)}`);
    expect(response).toMatchObject({
      status: 422,
      body: { code: "NOT-00001", detail: "Missing contact information for recipient(s)" },
    });
    const list = await call(listOrdersBySendersReference, { path: "/orders?sendersReference=x" });
    expect(list.body).toEqual({ count: 0, orders: [] });
  });

  it.each([
    ["malformed JSON", "{not json", 400],
    ["an empty body", "", 400],
    ["a JSON array", "[1,2]", 400],
    ["a body over 1 MiB", JSON.stringify({ idempotencyId: "x".repeat(1024 * 1024) }), 413],
  ])("answers %s with a problem, never a 5xx", async (_label, body, status) => {
    const response = await call(createOrderChain, { method: "POST", path: "/future/orders", body });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 401 without a valid token and 403 without the scope", async () => {
    expect(
      (
        await call(createOrderChain, {
          method: "POST",
          path: "/future/orders",
          body: emailOrder("a"),
          authorization: null,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(createOrderChain, {
          method: "POST",
          path: "/future/orders",
          body: emailOrder("a"),
          authorization: "Bearer x.y.z",
        })
      ).status,
    ).toBe(401);
    const unscoped = await issuer.sign(serviceOwnerClaims("991825827", "some:other"));
    expect(
      (
        await call(createOrderChain, {
          method: "POST",
          path: "/future/orders",
          body: emailOrder("a"),
          authorization: `Bearer ${unscoped}`,
        })
      ).status,
    ).toBe(403);
  });

  it("publishes an order due at once for processing without waiting for the release timer", async () => {
    const response = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("now", { requestedSendTime: undefined }),
    });
    expect(response.status).toBe(201);
    expect(publisher.on("processOrder")).toHaveLength(1);
  });
});

describe("legacy orders and reads", () => {
  it("accepts a v1 order with the recipientLookup summary and hides it from other tenants", async () => {
    const response = await call(createLegacyOrder, {
      method: "POST",
      path: "/orders",
      body: {
        notificationChannel: "EmailPreferred",
        sendersReference: "legacy-1",
        requestedSendTime: "2026-11-24T09:00:00Z",
        recipients: [{ nationalIdentityNumber: "24926810061" }, { nationalIdentityNumber: "15838510075" }],
        emailTemplate: { subject: "S", body: "B" },
        smsTemplate: { body: "B" },
      },
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      recipientLookup: { status: "PartialSuccess", isReserved: ["24926810061"], missingContact: [] },
    });
    const orderId = String(response.body!["orderId"]);
    expect(response.headers.get("location")).toBe(`${base}/orders/${orderId}`);

    const mine = await call(getOrder, { path: `/orders/${orderId}`, params: { id: orderId } });
    expect(mine).toMatchObject({
      status: 200,
      body: { id: orderId, creator: "991825827", notificationChannel: "EmailPreferred" },
    });
    const otherToken = await issuer.sign(serviceOwnerClaims("987654325"));
    const theirs = await call(getOrder, {
      path: `/orders/${orderId}`,
      params: { id: orderId },
      authorization: `Bearer ${otherToken}`,
    });
    expect(theirs.status).toBe(404);
    const list = await call(listOrdersBySendersReference, { path: "/orders?sendersReference=legacy-1" });
    expect(list.body).toMatchObject({ count: 1 });
  });

  it("answers a v1 send time past the scheduling horizon with 400", async () => {
    const response = await call(createLegacyOrder, {
      method: "POST",
      path: "/orders",
      body: {
        notificationChannel: "Email",
        requestedSendTime: "9999-12-31T23:59:59-14:00",
        emailTemplate: { subject: "S", body: "B" },
        recipients: [{ emailAddress: "a@example.com" }],
      },
    });
    expect(response).toMatchObject({
      status: 400,
      body: {
        errors: { requestedSendTime: ["Send time must be at most 3653 days (10 years) in the future."] },
      },
    });
  });

  it("cancels while Registered and more than five minutes ahead, twice is fine, too late is 409", async () => {
    const { body } = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("c1"),
    });
    const shipmentId = (body as { notification: { shipmentId: string } }).notification.shipmentId;
    const cancel = () =>
      call(cancelOrderById, {
        method: "PUT",
        path: `/orders/${shipmentId}/cancel`,
        params: { id: shipmentId },
      });
    expect((await cancel()).body).toMatchObject({ processingStatus: { status: "Cancelled" } });
    expect((await cancel()).status).toBe(200);

    const { body: soon } = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("c2", { requestedSendTime: "2026-11-23T09:04:00Z" }),
    });
    const soonId = (soon as { notification: { shipmentId: string } }).notification.shipmentId;
    const late = await call(cancelOrderById, {
      method: "PUT",
      path: `/orders/${soonId}/cancel`,
      params: { id: soonId },
    });
    expect(late.status).toBe(409);
  });

  it("cancels a whole chain through the future route and lists each change in the status feed", async () => {
    const { body } = await call(createOrderChain, {
      method: "POST",
      path: "/future/orders",
      body: emailOrder("chain", { reminders: [{ delayDays: 3, recipient: emailOrder("x").recipient }] }),
    });
    const chainId = String((body as { notificationOrderId: string }).notificationOrderId);
    const cancelled = await call(cancelFutureOrder, {
      method: "PUT",
      path: `/future/orders/${chainId}/cancel`,
      params: { id: chainId },
    });
    expect(cancelled.status).toBe(200);
    expect(
      (cancelled.body as { shipments: Array<{ status: string }> }).shipments.map((s) => s.status),
    ).toEqual(["Order_Cancelled", "Order_Cancelled"]);
    clock.advance(3_000);
    const feed = await call(getStatusFeed, {
      path: "/future/shipment/feed?seq=0&pageSize=10&allTransitions=true",
    });
    expect((feed.body as unknown as Array<{ status: string }>).map((e) => e.status)).toEqual([
      "Order_Cancelled",
      "Order_Cancelled",
    ]);
    expect((await call(getStatusFeed, { path: "/future/shipment/feed?seq=-1" })).status).toBe(400);
  });

  it("answers an unknown shipment with NOT-00003", async () => {
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const response = await call(getShipment, { path: `/future/shipment/${id}`, params: { id } });
    expect(response).toMatchObject({
      status: 404,
      body: { code: "NOT-00003", detail: "Shipment not found" },
    });
  });
});

describe("instant orders", () => {
  const instant = (idempotencyId: string) => ({
    idempotencyId,
    recipientSms: {
      phoneNumber: "+4798765432",
      timeToLiveInSeconds: 360,
      smsSettings: { body: "Code 1234" },
    },
  });

  it("sends at once and is tracked like any shipment; a gateway failure stores nothing and answers 503 NOT-00004", async () => {
    const sent = await call(createInstantSms, {
      method: "POST",
      path: "/future/orders/instant/sms",
      body: instant("i1"),
    });
    expect(sent.status).toBe(201);
    const shipmentId = (sent.body as { notification: { shipmentId: string } }).notification.shipmentId;
    const shipment = await call(getShipment, {
      path: `/future/shipment/${shipmentId}`,
      params: { id: shipmentId },
    });
    expect(shipment.body).toMatchObject({
      type: "Instant",
      status: "Order_Processed",
      recipients: [{ status: "SMS_Accepted" }],
    });
    expect(
      (
        await call(createInstantSms, {
          method: "POST",
          path: "/future/orders/instant/sms",
          body: instant("i1"),
        })
      ).status,
    ).toBe(200);

    deps.smsSender = {
      send: async () => ({ outcome: "failed", result: "Failed" }),
      sendMany: async (ms) => ms.map(() => ({ outcome: "failed" as const, result: "Failed" as const })),
    };
    const failed = await call(createInstantSms, {
      method: "POST",
      path: "/future/orders/instant/sms",
      body: instant("i2"),
    });
    expect(failed).toMatchObject({ status: 503, body: { code: "NOT-00004" } });
    deps.smsSender = {
      send: async (m) => ({ outcome: "accepted", gatewayReference: `gw-${m.notificationId}` }),
      sendMany: async (ms) =>
        ms.map((m) => ({ outcome: "accepted" as const, gatewayReference: `gw-${m.notificationId}` })),
    };
    expect(
      (
        await call(createInstantSms, {
          method: "POST",
          path: "/future/orders/instant/sms",
          body: instant("i2"),
        })
      ).status,
    ).toBe(201);
  });

  it("answers a time-to-live written as 1e400 (Infinity once parsed) with 400, not 500", async () => {
    const body = JSON.stringify(instant("i4")).replace(
      '"timeToLiveInSeconds":360',
      '"timeToLiveInSeconds":1e400',
    );
    const response = await call(createInstantSms, {
      method: "POST",
      path: "/future/orders/instant/sms",
      body,
    });
    expect(response).toMatchObject({
      status: 400,
      body: {
        errors: {
          "recipientSms.timeToLiveInSeconds": [
            "Time-to-live must be between 60 and 172800 seconds (48 hours).",
          ],
        },
      },
    });
  });

  it("refuses a time-to-live outside 60..172800 seconds", async () => {
    const body = {
      ...instant("i3"),
      recipientSms: { ...instant("i3").recipientSms, timeToLiveInSeconds: 30 },
    };
    const response = await call(createInstantSms, {
      method: "POST",
      path: "/future/orders/instant/sms",
      body,
    });
    expect(response.body).toMatchObject({
      errors: {
        "recipientSms.timeToLiveInSeconds": [
          "Time-to-live must be between 60 and 172800 seconds (48 hours).",
        ],
      },
    });
  });
});
