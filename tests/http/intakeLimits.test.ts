import { HttpRequest, InvocationContext, type HttpHandler, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useDependencies, type Dependencies } from "../../shared/app/dependencies";
import { serviceOwnerLimitsSchema } from "../../shared/domain/intakeLimits";
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
  };
});
afterAll(async () => {
  useDependencies(undefined);
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
  useDependencies(deps);
  clock.set("2026-11-23T09:00:00.000Z");
});

async function post(handler: HttpHandler, body: unknown, who: "limited" | "other" = "limited") {
  const request = new HttpRequest({
    method: "POST",
    url: `${base}/orders`,
    headers: { "content-type": "application/json", authorization: `Bearer ${tokens[who]}` },
    body: { string: JSON.stringify(body) },
  });
  const context = new InvocationContext({ functionName: "test", logHandler: () => {} });
  const response: HttpResponseInit = await handler(request, context);
  return {
    status: response.status ?? 200,
    headers: new Headers(response.headers),
    body: typeof response.body === "string" ? (JSON.parse(response.body) as Record<string, unknown>) : {},
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
