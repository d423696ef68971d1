import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Dependencies } from "../../shared/app/dependencies";
import type { Endpoint } from "../../shared/http/endpoint";
import { serviceOwnerLimitsSchema } from "../../shared/domain/intakeLimits";
import {
  createBulkOrder,
  submitBulkOrderEndpoint,
  uploadBulkRecipients,
} from "../../shared/http/handlers/bulkOrders";
import { createComposedEmailOrder } from "../../shared/http/handlers/composedEmailOrders";
import { createLegacyOrder, createOrderChain } from "../../shared/http/handlers/orderIntake";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { testDependencies } from "../support/dependencies";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";
import { ManualClock } from "../support/pipeline";

let cosmos: TestCosmos;
let issuer: TestIssuer;
let deps: Dependencies;
let tokens: Record<string, string>;
const clock = new ManualClock(new Date("2026-11-23T09:00:00.000Z"));
const base = "http://localhost:7071/notifications/api/v1";

beforeAll(async () => {
  cosmos = await startTestCosmos();
  issuer = await startTestIssuer();
  tokens = {
    limited: await issuer.sign(serviceOwnerClaims("991825827")),
    other: await issuer.sign(serviceOwnerClaims("974760673")),
    composed: await issuer.sign(
      serviceOwnerClaims(
        "991825827",
        "altinn:serviceowner/notifications.composedemail.create altinn:serviceowner/notifications.create",
      ),
    ),
  };
});
afterAll(async () => {
  await issuer.close();
  await cosmos.close();
});
beforeEach(async () => {
  ({ deps } = await testDependencies(await cosmos.freshDatabase(), issuer, clock));
  deps.settings = {
    ...deps.settings,
    SERVICE_OWNER_LIMITS: serviceOwnerLimitsSchema.parse({
      requestsPerSecond: 100,
      burst: 100,
      tenants: { "991825827": { requestsPerSecond: 1, burst: 3, monthlyNotifications: 4 } },
    }),
  };
  clock.set("2026-11-23T09:00:00.000Z");
});

type Caller = "limited" | "other" | "composed";

async function post(
  endpoint: Endpoint,
  body: unknown,
  who: Caller = "limited",
  { method = "POST", params = {}, contentType = "application/json" } = {},
) {
  const request = new HttpRequest({
    method,
    url: `${base}/orders`,
    headers: { "content-type": contentType, authorization: `Bearer ${tokens[who]}` },
    params,
    body: { string: typeof body === "string" ? body : JSON.stringify(body) },
  });
  const context = new InvocationContext({ functionName: "test", logHandler: () => {} });
  const response: HttpResponseInit = await endpoint(async () => deps)(request, context);
  return {
    status: response.status ?? 200,
    headers: new Headers(response.headers),
    body:
      typeof response.body === "string"
        ? (JSON.parse(response.body) as Record<string, unknown>)
        : ((response.jsonBody ?? {}) as Record<string, unknown>),
  };
}

const sms = (recipients: number) => ({
  body: "Hei",
  notificationChannel: "Sms",
  smsTemplate: { body: "Hei" },
  recipients: Array.from({ length: recipients }, (_, i) => ({ mobileNumber: `+479876543${i}` })),
});
const chain = (idempotencyId: string) => ({
  idempotencyId,
  recipient: {
    recipientEmail: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
  },
});

describe("per-organisation rate limits on intake", () => {
  it("answers 429 with Retry-After and the IETF RateLimit headers once the burst is spent, and admits again after", async () => {
    const answers = [];
    for (const key of ["a", "b", "c", "d"]) answers.push(await post(createOrderChain, chain(key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
    expect(answers[0]!.headers.get("ratelimit-policy")).toBe('"intake";q=3;w=3');
    expect(answers[0]!.headers.get("ratelimit")).toMatch(/^"intake";r=\d+;t=\d+$/);
    const refused = answers[3]!;
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit")).toBe('"intake";r=0;t=3');
    expect(refused.body).toMatchObject({ status: 429, type: "https://varsel.no/problems/rate-limited" });

    expect((await post(createOrderChain, chain("x"), "other")).status).toBe(201); // another organisation
    clock.advance(Number(refused.headers.get("retry-after")) * 1000);
    expect((await post(createOrderChain, chain("d"))).status).toBe(201);
  });
});

describe("the monthly notification quota", () => {
  it("counts each recipient of an accepted order, refuses new orders with a clear problem once used up, and resets next month", async () => {
    expect((await post(createLegacyOrder, sms(3))).status).toBe(202);
    clock.advance(5_000);
    expect((await post(createLegacyOrder, sms(2))).status).toBe(202); // 5 of 4: the order that crosses it is taken
    clock.advance(5_000);
    const refused = await post(createOrderChain, chain("over"));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      type: "https://varsel.no/problems/quota-exceeded",
      title: "Monthly notification quota exceeded",
    });
    expect(String(refused.body["detail"])).toContain("2026-12-01T00:00:00.000Z");
    expect(Number(refused.headers.get("retry-after"))).toBe(
      (Date.parse("2026-12-01T00:00:00Z") - clock.now().getTime()) / 1000,
    );
    clock.set("2026-12-01T00:00:01Z");
    expect((await post(createOrderChain, chain("next-month"))).status).toBe(201);
  });
});

const bulkSettings = (idempotencyId: string) => ({
  idempotencyId,
  channelSchema: "Email",
  emailSettings: { subject: "S", body: "B" },
});
const recipientLines = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ emailAddress: `p${from + i}@example.com` })).join(
    "\n",
  );

async function bulkOrder(idempotencyId: string, recipients: number): Promise<string> {
  const created = await post(createBulkOrder, bulkSettings(idempotencyId));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = String(created.body["notificationOrderId"]);
  clock.advance(5_000);
  const part = await post(uploadBulkRecipients, recipientLines(recipients), "limited", {
    method: "PUT",
    params: { id, part: "1" },
    contentType: "application/x-ndjson",
  });
  expect(part.status, JSON.stringify(part.body)).toBe(201);
  clock.advance(5_000);
  return id;
}
const submit = (id: string) => post(submitBulkOrderEndpoint, "", "limited", { params: { id } });
const composed = (idempotencyId: string) => ({
  idempotencyId,
  recipient: { emailAddress: "a@example.com", emailSettings: { subject: "S", body: "B" } },
});

describe("the limits on the bulk and composed-email routes", () => {
  it("holds bulk settings, parts and submit to the organisation's request rate", async () => {
    const created = await post(createBulkOrder, bulkSettings("rate"));
    expect(created.status).toBe(201);
    expect(created.headers.get("ratelimit-policy")).toBe('"intake";q=3;w=3');
    const id = String(created.body["notificationOrderId"]);
    const params = { id, part: "1" };
    const part = { method: "PUT", params, contentType: "application/x-ndjson" };
    expect((await post(uploadBulkRecipients, recipientLines(2), "limited", part)).status).toBe(201);
    expect((await submit(id)).status).toBe(202);
    const refused = [
      await post(createBulkOrder, bulkSettings("rate-2")),
      await post(uploadBulkRecipients, recipientLines(2), "limited", { ...part, params: { id, part: "2" } }),
      await submit(id),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body).toMatchObject({ type: "https://varsel.no/problems/rate-limited" });
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });

  it("refuses at submit a bulk order whose recipients would go past the quota, and counts one that fits", async () => {
    const tooMany = await bulkOrder("five", 5); // the quota is 4
    const refused = await submit(tooMany);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      type: "https://varsel.no/problems/quota-exceeded",
      title: "Monthly notification quota exceeded",
      used: 0,
      quota: 4,
      requested: 5,
    });
    expect(String(refused.body["detail"])).toContain("This order holds 5 notifications and 4 are left");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await deps.bulkOrders.get(tooMany))?.state).toBe("Open"); // nothing submitted, nothing counted

    clock.advance(5_000);
    const fits = await bulkOrder("three", 3);
    expect((await submit(fits)).status).toBe(202);
    clock.advance(5_000);
    expect((await submit(fits)).status).toBe(202); // submitting again counts nothing
    expect(await deps.notificationQuota.used("991825827", "2026-11")).toBe(3);
    clock.advance(5_000);
    const two = await bulkOrder("two", 2);
    expect((await submit(two)).body).toMatchObject({ requested: 2, used: 3 });
  });

  it("counts a bulk order of 1,000,000 recipients at submit", async () => {
    deps.settings = {
      ...deps.settings,
      SERVICE_OWNER_LIMITS: serviceOwnerLimitsSchema.parse({
        tenants: { "991825827": { monthlyNotifications: 1_500_000 } },
      }),
    };
    // Ten full parts, as an upload of 1,000,000 lines leaves them (the lines themselves play no part here).
    const listed = async (idempotencyId: string) => {
      const id = await bulkOrder(idempotencyId, 1);
      const stored = await deps.bulkOrders.get(id);
      const accepted = { status: "Accepted" as const, sha256: "x", acceptedAt: clock.now().toISOString() };
      const parts = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [String(i + 1), { ...accepted, recipients: 100_000 }]),
      );
      if (!stored) throw new Error("the bulk order is missing");
      await deps.bulkOrders.update(stored, { parts });
      return id;
    };
    const first = await submit(await listed("million-1"));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ recipientCount: 1_000_000 });
    expect(await deps.notificationQuota.used("991825827", "2026-11")).toBe(1_000_000);
    const second = await submit(await listed("million-2"));
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ used: 1_000_000, requested: 1_000_000, quota: 1_500_000 });
  });

  it("holds composed-email orders to the rate and the quota", async () => {
    expect((await post(createLegacyOrder, sms(4))).status).toBe(202); // the month's 4 used
    clock.advance(5_000);
    const refused = await post(createComposedEmailOrder, composed("c-1"), "composed");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ type: "https://varsel.no/problems/quota-exceeded" });
    expect(refused.headers.get("ratelimit-policy")).toBe('"intake";q=3;w=3');

    clock.set("2026-12-01T00:00:10Z");
    const answers = [];
    for (const key of ["c-2", "c-3", "c-4", "c-5"])
      answers.push((await post(createComposedEmailOrder, composed(key), "composed")).status);
    expect(answers).toEqual([201, 201, 201, 429]);
    expect(await deps.notificationQuota.used("991825827", "2026-12")).toBe(3);
  });
});
