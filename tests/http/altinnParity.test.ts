import { createHash } from "node:crypto";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Dependencies } from "../../shared/app/dependencies";
import type { Endpoint } from "../../shared/http/endpoint";
import {
  createInstantEmail,
  createInstantNotification,
  createInstantSms,
} from "../../shared/http/handlers/instantOrders";
import { createOrderChain } from "../../shared/http/handlers/orderIntake";
import { getOrderChain } from "../../shared/http/handlers/chains";
import { getOrder, getShipment } from "../../shared/http/handlers/orderReads";
import { getStatusFeed } from "../../shared/http/handlers/statusFeed";
import { dashboardByNin, dashboardByOrgNumber } from "../../shared/http/handlers/dashboard";
import { dailyEmailMetrics, dailySmsMetrics, monthlyMetrics } from "../../shared/http/handlers/metrics";
import { testSendCondition } from "../../shared/http/handlers/sendConditionHelper";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { testDependencies } from "../support/dependencies";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";
import { sampleEmail, sampleSms } from "../support/notifications";
import { sampleOrder } from "../support/orders";
import { ManualClock } from "../support/pipeline";

// What Altinn's own request collection (components/api/test/bruno) shows, one behaviour per test.

let cosmos: TestCosmos;
let issuer: TestIssuer;
let deps: Dependencies;
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
  ({ deps } = await testDependencies(await cosmos.freshDatabase(), issuer, clock));
  clock.set("2026-11-23T09:00:00.000Z");
});

async function call(
  endpoint: Endpoint,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  params: Record<string, string> = {},
) {
  const request = new HttpRequest({
    method: body === undefined ? "GET" : "POST",
    url: `${base}${path}`,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    params,
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  });
  const context = new InvocationContext({ functionName: "test", logHandler: () => {} });
  const response = (await endpoint(async () => deps)(request, context)) as HttpResponseInit;
  const text = typeof response.body === "string" ? response.body : JSON.stringify(response.jsonBody ?? null);
  return {
    status: response.status ?? 200,
    headers: new Headers(response.headers),
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

const smsOrder = (idempotencyId: string, sendersReference: string, body: string) => ({
  idempotencyId,
  sendersReference,
  recipient: {
    recipientSms: { phoneNumber: "004799999999", smsSettings: { sendingTimePolicy: "Anytime", body } },
  },
});

describe("idempotency as Altinn: a reused idempotencyId answers 200 with the original receipt", () => {
  it("ignores a changed body by default, and says so in a response header", async () => {
    const first = await call(
      createOrderChain,
      "/future/orders",
      smsOrder("1", "te-123-123", "This is a test"),
    );
    expect(first.status).toBe(201);
    const second = await call(createOrderChain, "/future/orders", smsOrder("1", "other-ref", "bodytest"));
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("varsel-idempotency-replay")).toBe("payload-changed");
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
  });

  it("answers 409 to a changed body when the request asks for the strict check", async () => {
    await call(createOrderChain, "/future/orders", smsOrder("2", "ref", "one"));
    const strict = { "varsel-idempotency": "strict" };
    const changed = await call(createOrderChain, "/future/orders", smsOrder("2", "ref", "two"), strict);
    expect(changed.status).toBe(409);
    const same = await call(createOrderChain, "/future/orders", smsOrder("2", "ref", "one"), strict);
    expect(same.status).toBe(200);
  });

  it("keys instant orders by creator and idempotencyId only, across the instant routes", async () => {
    const sms = {
      idempotencyId: "fixed-id-12345",
      recipientSms: { phoneNumber: "+4741000099", timeToLiveInSeconds: 300, smsSettings: { body: "Kode 1" } },
    };
    const first = await call(createInstantSms, "/future/orders/instant/sms", sms);
    expect(first.status).toBe(201);
    const email = {
      idempotencyId: "fixed-id-12345",
      recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
    };
    const again = await call(createInstantEmail, "/future/orders/instant/email", email);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("varsel-idempotency-replay")).toBe("payload-changed");
  });
});

describe("POST future/orders/instant (Altinn's older instant SMS route)", () => {
  it("sends the SMS under recipient.recipientSms and shares idempotencyIds with instant/sms", async () => {
    const body = {
      idempotencyId: "old-route",
      sendersReference: "old-route",
      recipient: {
        recipientSms: { phoneNumber: "+4741000099", timeToLiveInSeconds: 300, smsSettings: { body: "Hei" } },
      },
    };
    const created = await call(createInstantNotification, "/future/orders/instant", body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ notification: { sendersReference: "old-route" } });
    const viaNewRoute = await call(createInstantSms, "/future/orders/instant/sms", {
      idempotencyId: "old-route",
      recipientSms: body.recipient.recipientSms,
    });
    expect(viaNewRoute).toMatchObject({ status: 200, body: created.body });
  });

  it("validates the SMS with the instant/sms messages", async () => {
    const response = await call(createInstantNotification, "/future/orders/instant", {
      idempotencyId: "bad",
      recipient: { recipientSms: { phoneNumber: "0", timeToLiveInSeconds: 10, smsSettings: { body: "x" } } },
    });
    expect(response.status).toBe(400);
    expect(response.body["errors"]).toMatchObject({
      "recipient.recipientSms.phoneNumber": ["Recipient phone number is not a valid mobile number."],
      "recipient.recipientSms.timeToLiveInSeconds": [
        "Time-to-live must be between 60 and 172800 seconds (48 hours).",
      ],
    });
  });
});

describe("a body without a required member gets ASP.NET's model-binding 400", () => {
  it("names the missing idempotencyId and recipient as System.Text.Json does", async () => {
    const response = await call(createOrderChain, "/future/orders", {
      "this contract will not work": "I am sure!",
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      title: "One or more validation errors occurred.",
      status: 400,
      errors: {
        $: [
          "JSON deserialization for type 'Altinn.Notifications.Models.NotificationOrderChainRequestExt' was missing required properties including: 'idempotencyId', 'recipient'.",
        ],
        notificationOrderRequest: ["The notificationOrderRequest field is required."],
      },
    });
    expect(Object.keys(response.body["errors"] as object)).toHaveLength(2);
  });

  it("lists only what is missing; a present null is left to the validators", async () => {
    const noId = await call(createOrderChain, "/future/orders", {
      ...smsOrder("x", "r", "b"),
      idempotencyId: undefined,
    });
    expect((noId.body["errors"] as Record<string, string[]>)["$"]).toEqual([
      "JSON deserialization for type 'Altinn.Notifications.Models.NotificationOrderChainRequestExt' was missing required properties including: 'idempotencyId'.",
    ]);
    const nullId = await call(createOrderChain, "/future/orders", {
      ...smsOrder("x", "r", "b"),
      idempotencyId: null,
    });
    expect(nullId.body["errors"]).toEqual({ idempotencyId: ["IdempotencyId cannot be null or empty."] });
  });

  it("names the instant models and their parameter", async () => {
    const response = await call(createInstantSms, "/future/orders/instant/sms", { IdempotencyId: "x" });
    expect(response.body["errors"]).toEqual({
      $: [
        "JSON deserialization for type 'Altinn.Notifications.Models.Orders.InstantSmsNotificationOrderRequestExt' was missing required properties including: 'recipientSms'.",
      ],
      request: ["The request field is required."],
    });
  });
});

describe("email subject line breaks", () => {
  it("turns each \\r\\n, \\r and \\n into exactly one space and keeps the spaces around it", async () => {
    const created = await call(createOrderChain, "/future/orders", {
      idempotencyId: "subject",
      recipient: {
        recipientEmail: {
          emailAddress: "a@example.com",
          emailSettings: {
            subject: "(TEST) Multiline\nEmail Subject - \r\nCovering\n\rall\rplatforms",
            body: "Body\nkept",
          },
        },
      },
    });
    const shipmentId = (created.body["notification"] as { shipmentId: string }).shipmentId;
    const order = await call(getOrder, `/orders/${shipmentId}`, undefined, {}, { id: shipmentId });
    expect(order.body["emailTemplate"]).toMatchObject({
      subject: "(TEST) Multiline Email Subject -  Covering  all platforms",
      body: "Body\nkept",
    });
  });
});

describe("external identities (Altinn's ExternalIdentityUrn)", () => {
  it.each([
    "urn:altinn:person:legacy-selfidentified:testbruker",
    "urn:altinn:party:username:testbruker",
    "urn:altinn:username:TestBruker",
  ])("finds the sample register's username user as %s", async (externalIdentity) => {
    const response = await call(createOrderChain, "/future/orders", {
      idempotencyId: externalIdentity,
      recipient: {
        recipientExternalIdentity: {
          externalIdentity,
          channelSchema: "Sms",
          smsSettings: { body: "Hei" },
        },
      },
    });
    expect(response.status).toBe(201);
  });
});

describe("dialogportenAssociation, as Altinn's main branch", () => {
  // Altinn reads it only into NotificationOrderChainRequestExt and ComposedEmailRequestExt; no response model
  // carries DialogportenIdentifiersExt (Altinn/altinn-notifications 0d0183f, components/api/src/Altinn.Notifications).
  it("is stored with the order and returned by no read", async () => {
    const association = { dialogId: "0196f1e2-dialog", transmissionId: "0196f1e2-transmission" };
    const created = await call(createOrderChain, "/future/orders", {
      ...smsOrder("dialog-1", "case-dialog", "Hei"),
      dialogportenAssociation: association,
    });
    expect(created.status).toBe(201);
    const { notificationOrderId, notification } = created.body as {
      notificationOrderId: string;
      notification: { shipmentId: string };
    };
    expect((await deps.orders.getOrder(notification.shipmentId))?.dialogportenAssociation).toEqual(
      association,
    );
    const reads = [
      created,
      await call(createOrderChain, "/future/orders", {
        ...smsOrder("dialog-1", "case-dialog", "Hei"),
        dialogportenAssociation: association,
      }),
      await call(
        getOrderChain,
        `/future/orders/${notificationOrderId}`,
        undefined,
        {},
        { id: notificationOrderId },
      ),
      await call(
        getShipment,
        `/future/shipment/${notification.shipmentId}`,
        undefined,
        {},
        {
          id: notification.shipmentId,
        },
      ),
      await call(
        getOrder,
        `/orders/${notification.shipmentId}`,
        undefined,
        {},
        { id: notification.shipmentId },
      ),
    ];
    for (const read of reads) {
      expect(read.status).toBeLessThan(300);
      expect(JSON.stringify(read.body)).not.toMatch(/dialogporten|dialogId|transmissionId/i);
    }
  });
});

describe("GET future/shipment/feed", () => {
  async function appendTransitions(shipmentId: string, statuses: string[]) {
    for (const status of statuses) {
      await deps.statusFeed.append({
        creator: "991825827",
        shipmentId,
        shipmentType: "Notification",
        status,
        lastUpdate: clock.now().toISOString(),
        recipients:
          status === "Order_Completed"
            ? [
                {
                  destination: "a@example.com",
                  status: "Email_Delivered",
                  lastUpdate: clock.now().toISOString(),
                },
              ]
            : [],
        created: clock.now().toISOString(),
      });
    }
  }
  const statusesOf = (body: unknown) => (body as Array<{ status: string }>).map((e) => e.status);

  it("lists final statuses with their recipients by default, every transition on request", async () => {
    await appendTransitions("6a3c1f0e-0000-4000-8000-000000000001", [
      "Order_Registered",
      "Order_Processing",
      "Order_Processed",
      "Order_Completed",
    ]);
    await appendTransitions("6a3c1f0e-0000-4000-8000-000000000002", ["Order_Registered", "Order_Cancelled"]);
    await appendTransitions("6a3c1f0e-0000-4000-8000-000000000003", [
      "Order_Registered",
      "Order_SendConditionNotMet",
    ]);
    clock.advance(3_000);
    const feed = await call(getStatusFeed, "/future/shipment/feed?seq=0");
    expect(statusesOf(feed.body)).toEqual(["Order_Completed", "Order_SendConditionNotMet"]);
    expect((feed.body as unknown as Array<{ recipients: unknown[] }>)[0]!.recipients).toHaveLength(1);
    const all = await call(getStatusFeed, "/future/shipment/feed?seq=0&allTransitions=true");
    expect(statusesOf(all.body)).toHaveLength(8);
  });

  it("binds query names case-insensitively, as ASP.NET does", async () => {
    await appendTransitions("6a3c1f0e-0000-4000-8000-000000000004", ["Order_Registered", "Order_Completed"]);
    await appendTransitions("6a3c1f0e-0000-4000-8000-000000000005", ["Order_Registered", "Order_Completed"]);
    clock.advance(3_000);
    const page = await call(
      getStatusFeed,
      "/future/shipment/feed?SEQ=0&pagesize=1&orderby=DESC&alltransitions=TRUE",
    );
    expect(page.status).toBe(200);
    expect((page.body as unknown as Array<{ sequenceNumber: number; status: string }>)[0]).toMatchObject({
      sequenceNumber: 4,
      status: "Order_Completed",
    });
    expect(page.body as unknown as unknown[]).toHaveLength(1);
    const bad = await call(getStatusFeed, "/future/shipment/feed?pagesize=x");
    expect(bad.body["errors"]).toEqual({ pageSize: ["The value is not a valid page size."] });
  });
});

describe("support lookup (future/dashboard), behind the support scope", () => {
  const kari = "15838510075";
  async function seed() {
    const order = sampleOrder({ creator: "310000019", resourceId: "urn:altinn:resource:te_svc123" });
    await deps.orders.createOrder(order);
    const at = "2026-11-22T10:00:00.000Z";
    await deps.notifications.createMany([
      sampleEmail(order.id, at, {
        creator: "310000019",
        status: "Delivered",
        recipient: { address: "kari.nordmann@example.com", nationalIdentityNumber: kari },
      }),
      sampleSms(order.id, at, {
        creator: "310000019",
        status: "Accepted",
        recipient: { address: "+4799000001", nationalIdentityNumber: kari },
      }),
      sampleEmail(order.id, at, {
        recipient: { address: "other@example.com", nationalIdentityNumber: "02879110001" },
      }),
    ]);
    return order;
  }

  it("lists a person's shipments from every organisation with each attempt, and nothing more", async () => {
    const order = await seed();
    const support = await issuer.sign(serviceOwnerClaims("991825827", "altinn:notifications.support.admin"));
    const response = await call(dashboardByNin, "/future/dashboard/recipients/notifications/nin", undefined, {
      authorization: `Bearer ${support}`,
      nationalidentitynumber: kari,
    });
    expect(response.status).toBe(200);
    const [shipment, ...others] = response.body as unknown as Array<Record<string, unknown>>;
    expect(others).toEqual([]);
    expect(shipment).toMatchObject({
      shipmentId: order.id,
      creatorName: "310000019",
      resourceId: "urn:altinn:resource:te_svc123",
      notificationType: "Notification",
    });
    const attempts = (shipment!["deliveryAttempts"] as Array<Record<string, unknown>>).sort((a, b) =>
      String(a["channel"]).localeCompare(String(b["channel"])),
    );
    expect(attempts).toEqual([
      {
        nationalIdentityNumber: kari,
        channel: "email",
        emailAddress: "kari.nordmann@example.com",
        result: "Delivered",
        resultTime: "2026-11-22T10:00:00.000Z",
      },
      {
        nationalIdentityNumber: kari,
        channel: "sms",
        mobileNumber: "+4799000001",
        result: "Accepted",
        resultTime: "2026-11-22T10:00:00.000Z",
      },
    ]);
  });

  it("refuses a service owner's token (403) and checks the header and the range with Altinn's messages", async () => {
    const path = "/future/dashboard/recipients/notifications/orgnumber";
    const forbidden = await call(dashboardByOrgNumber, path, undefined, { organizationnumber: "310000019" });
    expect(forbidden.status).toBe(403);
    const support = {
      authorization: `Bearer ${await issuer.sign(serviceOwnerClaims("991825827", "altinn:notifications.support.admin"))}`,
    };
    const missing = await call(dashboardByOrgNumber, path, undefined, support);
    expect(missing.body["errors"]).toEqual({
      OrganizationNumber: ["A value for the 'OrganizationNumber' parameter or property was not provided."],
    });
    const future = await call(
      dashboardByOrgNumber,
      `${path}?from=2026-11-24T00:00:00Z&to=2026-11-20T00:00:00Z`,
      undefined,
      { ...support, organizationnumber: "31000001" },
    );
    expect(future.body["errors"]).toEqual({
      OrganizationNumber: ["Organization number must be 9 digits long."],
      From: ["'from' must be earlier than 'to'.", "'from' must not be in the future."],
    });
  });
});

describe("GET tests/sendcondition (Altinn's test helper)", () => {
  it("answers the condition it is given, without a token; anything but true is false", async () => {
    const ask = async (query: string) =>
      (await call(testSendCondition, `/tests/sendcondition${query}`, undefined, { authorization: "" })).body;
    expect(await ask("?conditionMet=true")).toEqual({ sendNotification: true });
    expect(await ask("?conditionmet=True")).toEqual({ sendNotification: true });
    expect(await ask("?conditionMet=false")).toEqual({ sendNotification: false });
    expect(await ask("?conditionMet=corrupt")).toEqual({ sendNotification: false });
    expect(await ask("")).toEqual({ sendNotification: false });
  });
});

describe("usage metrics (Altinn's metrics routes)", () => {
  async function seedYesterday() {
    const order = sampleOrder({ creator: "310000019", sendersReference: "ref-metrics" });
    await deps.orders.createOrder(order);
    const yesterday = "2026-11-22T12:00:00.000Z";
    await deps.notifications.createMany([
      sampleEmail(order.id, yesterday, { creator: "310000019", status: "Delivered", reference: "op-1" }),
      sampleEmail(order.id, "2026-11-23T08:00:00.000Z", { creator: "310000019" }), // today: not in the file
      sampleSms(order.id, yesterday, { creator: "310000019", recipient: { address: "+4799000001" } }),
    ]);
  }

  it("answers POST metrics/email with yesterday's emails as Parquet behind Altinn's X-API-Key filter", async () => {
    await seedYesterday();
    deps.settings.METRICS_API_KEY = "a-metrics-key-of-16+";
    const ask = (key?: string) =>
      handlerCall(dailyEmailMetrics, "/metrics/email", key === undefined ? {} : { "x-api-key": key });
    const refusedWith = async (key: string | undefined) => {
      const answer = await ask(key);
      expect(answer.status).toBe(401);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      return (JSON.parse(answer.body) as { error: string }).error;
    };
    expect(await refusedWith(undefined)).toBe("API key required for Metrics endpoints");
    expect(await refusedWith(" ")).toBe("API key cannot be empty");
    expect(await refusedWith("wrong-key-wrong-key")).toBe("Invalid API key");
    const file = await ask("a-metrics-key-of-16+");
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/octet-stream");
    expect(file.headers.get("content-disposition")).toBe(
      "attachment; filename=20261122_email_notifications_local.parquet",
    );
    expect(file.headers.get("x-total-filetransfer-count")).toBe("1");
    expect(file.bytes.subarray(0, 4).toString()).toBe("PAR1");
    expect(file.headers.get("x-file-hash")).toBe(createHash("md5").update(file.bytes).digest("base64"));
    expect(file.bytes.includes(Buffer.from("ref-metrics"))).toBe(true);
  });

  it("takes an operator's token instead of the key, and counts a month by organisation and channel", async () => {
    await seedYesterday();
    const operator = {
      authorization: `Bearer ${await issuer.sign(serviceOwnerClaims("991825827", "altinn:notifications.support.admin"))}`,
    };
    const sms = await handlerCall(dailySmsMetrics, "/metrics/sms", operator);
    expect(sms.status).toBe(200);
    expect(sms.headers.get("x-total-filetransfer-count")).toBe("1");
    const monthly = await call(monthlyMetrics, "/metrics/monthly?year=2026&month=11", undefined, operator);
    expect(monthly.body).toEqual({
      year: 2026,
      month: 11,
      metrics: [
        { creator: "310000019", channel: "email", notifications: 2 },
        { creator: "310000019", channel: "sms", notifications: 1 },
      ],
    });
    expect((await call(monthlyMetrics, "/metrics/monthly")).status).toBe(403);
  });
});

async function handlerCall(endpoint: Endpoint, path: string, headers: Record<string, string>) {
  const request = new HttpRequest({ method: "POST", url: `${base}${path}`, headers });
  const context = new InvocationContext({ functionName: "test", logHandler: () => {} });
  const response = (await endpoint(async () => deps)(request, context)) as HttpResponseInit;
  const bytes =
    response.body instanceof Uint8Array
      ? Buffer.from(response.body)
      : Buffer.from(
          typeof response.body === "string" ? response.body : JSON.stringify(response.jsonBody ?? ""),
        );
  return {
    status: response.status ?? 200,
    headers: new Headers(response.headers),
    body: bytes.toString(),
    bytes,
  };
}
