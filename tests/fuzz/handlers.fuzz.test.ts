import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptedInvalid,
  applyMutation,
  applyTextMutation,
  contentTypeAccepted,
  contentTypes,
  hostileNumbers,
  hostileStrings,
  jsonRoutes,
  validBodies,
  type Mutation,
  hostileQueryValues,
  textMutationArbitrary,
} from "../../bench/fuzzCases";
import { deliveryReportXml } from "../../shared/adapters/link/pswinReport";
import {
  isValidEmailAddress,
  isValidExternalIdentity,
  isValidNationalIdentityNumber,
  isValidOrganizationNumber,
  normalizeMobileNumber,
} from "../../shared/domain/norwegianIdentifiers";
import { operations } from "../../shared/http/openapi";
import { handlers, now, reportCredentials, startHarness, type Answer, type Harness } from "./harness";

/**
 * The fuzz suite of issue 17: every route's real handler gets generated and mutated bodies, headers, query
 * strings and route parameters. It fails on any 5xx, on any handler taking longer than 5 s, on any 4xx that
 * is not a problem document, and on any request accepted that should have been refused (an invalid
 * identifier, address or time, a bad token, a wrong Content-Type, text with control characters).
 * fast-check prints the seed and the shrunk request of a failure; replay with `{ seed, path }`.
 */

/** Runs per property; FUZZ_SCALE=10 runs ten times as many (a longer local hunt). */
const runs = (base: number) => Math.round(base * Number(process.env["FUZZ_SCALE"] ?? "1"));

const checks = {
  isValidNationalIdentityNumber,
  isValidOrganizationNumber,
  isValidEmailAddress,
  normalizeMobileNumber,
  isValidExternalIdentity,
};

let harness: Harness;
let sequence = 0;
const knownIds: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  // A few stored orders, so that reads and cancels also hit documents that exist.
  for (const [operationId, bodies] of Object.entries(validBodies(now))) {
    const body = { ...(bodies[0] as Record<string, unknown>), idempotencyId: `seed-${operationId}` };
    const answer = await harness.call({
      operationId,
      method: "POST",
      headers: { authorization: `Bearer ${harness.tokens.valid}`, "content-type": "application/json" },
      body: Buffer.from(JSON.stringify(body)),
    });
    const receipt = JSON.parse(answer.text) as {
      orderId?: string;
      notificationOrderId?: string;
      notification?: { shipmentId: string };
    };
    for (const id of [receipt.orderId, receipt.notificationOrderId, receipt.notification?.shipmentId]) {
      if (id) knownIds.push(id);
    }
  }
}, 60_000);
afterAll(() => harness.close());

/** The invariants every answer keeps, whatever was sent. */
function expectWellFormed(answer: Answer, sent: unknown): void {
  const context = JSON.stringify(sent).slice(0, 600);
  if (answer.status >= 500)
    throw new Error(`5xx (${answer.status}) for ${context}: ${answer.text.slice(0, 300)}`);
  if (answer.status >= 400) {
    expect(answer.headers.get("content-type"), context).toBe("application/problem+json");
    expect((JSON.parse(answer.text) as { status: number }).status, context).toBe(answer.status);
  }
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.constantFrom(...hostileNumbers) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constant(null), fc.integer(), fc.double()) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant("set" as const), pathIndex: fc.nat(), value: hostileValue }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), pathIndex: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("add" as const),
      pathIndex: fc.nat(),
      key: fc.constantFrom("extra", "__proto__", "constructor", "Recipient", "zz", ""),
      value: hostileValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("repeat" as const),
      pathIndex: fc.nat(),
      count: fc.integer({ min: 0, max: 30 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("wrap" as const),
      pathIndex: fc.nat(),
      count: fc.integer({ min: 1, max: 80 }),
    }),
  },
);

const textMutation = textMutationArbitrary(fc);

const jsonRouteIds = Object.keys(jsonRoutes);
const bodies = validBodies(now);

/** Mostly application/json; otherwise any of the content types a client might send, or none. */
const contentTypeArbitrary: fc.Arbitrary<string | null> = fc.constantFrom<string | null>(
  ...Array<string>(16).fill("application/json"),
  ...contentTypes,
  null,
);

/** A request body: a valid one mutated (mostly), random JSON, or random bytes. */
const jsonRequest = fc.record({
  operationId: fc.constantFrom(...jsonRouteIds),
  base: fc.nat(),
  mutations: fc.array(mutation, { maxLength: 3 }),
  textMutations: fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(textMutation, { maxLength: 2 }) },
  ),
  replacement: fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? "")) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  ),
  contentType: contentTypeArbitrary,
  token: fc.oneof(
    { weight: 8, arbitrary: fc.constant("valid" as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "otherTenant" as const,
        "noScope" as const,
        "expired" as const,
        "missing" as const,
      ),
    },
  ),
});

function bearer(token: keyof Harness["tokens"] | "missing"): Record<string, string> {
  return token === "missing" ? {} : { authorization: `Bearer ${harness.tokens[token]}` };
}

function parsedBody(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, "")) as unknown;
}

describe("fuzz: every JSON route with generated and mutated bodies and headers", () => {
  it("never answers 5xx or hangs, answers problems, and accepts nothing invalid", async () => {
    await fc.assert(
      fc.asyncProperty(jsonRequest, async (request) => {
        const options = bodies[request.operationId]!;
        let body = structuredClone(options[request.base % options.length]) as unknown;
        if ("idempotencyId" in (body as object))
          (body as Record<string, unknown>)["idempotencyId"] = `fuzz-${sequence++}`;
        for (const m of request.mutations) body = applyMutation(body, m);
        let bytes: Buffer = request.replacement ?? Buffer.from(JSON.stringify(body) ?? "");
        for (const m of request.textMutations) bytes = applyTextMutation(bytes, m);
        const headers = {
          ...bearer(request.token),
          ...(request.contentType === null ? {} : { "content-type": request.contentType }),
        };
        const answer = await harness.call({
          operationId: request.operationId,
          method: "POST",
          headers,
          body: bytes,
        });
        const sent = {
          operationId: request.operationId,
          token: request.token,
          contentType: request.contentType,
          body: bytes.toString("utf8").slice(0, 600),
        };
        expectWellFormed(answer, sent);
        if (request.token === "missing" || request.token === "expired") expect(answer.status).toBe(401);
        if (request.token === "noScope") expect(answer.status).toBe(403);
        if (request.token === "valid" && !contentTypeAccepted(request.contentType ?? undefined)) {
          expect(answer.status, JSON.stringify(sent)).toBe(415);
        }
        if (answer.status < 300) {
          const reasons = acceptedInvalid(request.operationId, parsedBody(bytes), now, checks);
          if (reasons.length > 0)
            throw new Error(`accepted invalid (${reasons.join("; ")}): ${JSON.stringify(sent)}`);
        }
      }),
      { numRuns: runs(300) },
    );
  }, 120_000);
});

/** Route parameters and query values a client might send. */
const paramValue = fc.oneof(
  fc
    .constantFrom(...(["known"] as const))
    .map(() => knownIds[sequence++ % Math.max(1, knownIds.length)] ?? "x"),
  fc.uuid(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", "00000000-0000-0000-0000-000000000000", "..%2F", "x".repeat(5_000)),
);
const queryValue = fc.oneof(
  fc.constantFrom(...hostileQueryValues),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constant("x".repeat(300)),
);

const readRequest = fc.record({
  operationId: fc.constantFrom(
    ...Object.keys(handlers).filter((id) => !jsonRouteIds.includes(id) && id !== "receiveSmsDeliveryReport"),
  ),
  id: paramValue,
  query: fc.dictionary(
    fc.constantFrom("seq", "pageSize", "orderBy", "sendersReference", "other"),
    queryValue,
    { maxKeys: 4 },
  ),
  token: fc.oneof(
    { weight: 8, arbitrary: fc.constant("valid" as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "operator" as const,
        "otherTenant" as const,
        "noScope" as const,
        "expired" as const,
        "missing" as const,
      ),
    },
  ),
});

describe("fuzz: every read, cancel, feed and operator route with generated ids and query strings", () => {
  it("never answers 5xx or hangs, answers problems, and refuses invalid query values", async () => {
    await fc.assert(
      fc.asyncProperty(readRequest, async (request) => {
        const spec = operations.find((op) => op.operationId === request.operationId)!;
        const answer = await harness.call({
          operationId: request.operationId,
          method: spec.method.toUpperCase(),
          params: { id: request.id, name: request.id, part: request.id },
          query: request.query,
          headers: bearer(request.token),
        });
        expectWellFormed(answer, request);
        const secured = spec.secured !== false;
        if (secured && (request.token === "missing" || request.token === "expired"))
          expect(answer.status).toBe(401);
        if (request.operationId === "getStatusFeed" && answer.status === 200) {
          const { seq = "0", pageSize, orderBy = "asc" } = request.query;
          expect(/^\d+$/.test(seq) && Number(seq) <= Number.MAX_SAFE_INTEGER, `seq ${seq}`).toBe(true);
          expect(pageSize === undefined || /^-?\d+$/.test(pageSize), `pageSize ${pageSize}`).toBe(true);
          expect(["asc", "desc"]).toContain(orderBy.toLowerCase());
        }
        if (request.operationId === "listOrders" && answer.status === 200) {
          const reference = request.query["sendersReference"] ?? "";
          expect(reference.length > 0 && reference.length <= 256, reference).toBe(true);
          // eslint-disable-next-line no-control-regex -- control characters are what it looks for
          expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(reference)).toBe(false);
        }
      }),
      { numRuns: runs(250) },
    );
  }, 120_000);

  it("covers every documented operation", () => {
    expect(Object.keys(handlers).sort()).toEqual(operations.map((op) => op.operationId).sort());
  });
});

/** A valid token with one character of its header, payload or signature changed (never a segment's last). */
const tamperedToken = fc.record({
  segment: fc.integer({ min: 0, max: 2 }),
  at: fc.nat(),
  replacement: fc.constantFrom(..."AbQz09-_w"),
});

describe("fuzz: tokens", () => {
  it("refuses every tampered, unsigned, expired or foreign token with 401", async () => {
    const { issuer } = harness;
    const foreign = await issuer.sign(
      { scope: "altinn:serviceowner/notifications.create" },
      { issuer: "https://evil.example/" },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          tamperedToken.map(({ segment, at, replacement }) => {
            const parts = harness.tokens.valid.split(".");
            const part = parts[segment]!;
            const index = at % (part.length - 1);
            const changed = part[index] === replacement ? (replacement === "A" ? "B" : "A") : replacement;
            parts[segment] = part.slice(0, index) + changed + part.slice(index + 1);
            return parts.join(".");
          }),
          fc.constant(`${harness.tokens.valid.split(".").slice(0, 2).join(".")}.`),
          fc.constant(
            `${Buffer.from('{"alg":"none"}').toString("base64url")}.${harness.tokens.valid.split(".")[1]}.`,
          ),
          fc.constant(harness.tokens.expired),
          fc.constant(foreign),
          // What an HTTP header can carry (a NUL or line break never reaches a handler).
          fc.stringMatching(/^[\x21-\x7e]{0,60}$/),
        ),
        fc.constantFrom("getStatusFeed", "createOrderChain"),
        async (token, operationId) => {
          const body =
            operationId === "createOrderChain"
              ? Buffer.from(JSON.stringify(bodies["createOrderChain"]![0]))
              : undefined;
          const answer = await harness.call({
            operationId,
            method: operationId === "createOrderChain" ? "POST" : "GET",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body,
          });
          expectWellFormed(answer, token);
          expect(answer.status, token).toBe(401);
        },
      ),
      { numRuns: runs(80) },
    );
  }, 60_000);
});

describe("fuzz: LINK delivery reports", () => {
  it("never answers 5xx or hangs whatever the body, Content-Type and credentials", async () => {
    const report = Buffer.from(
      deliveryReportXml([{ id: "1", reference: "gw-1", receiver: "4798765432", state: "DELIVRD" }]),
    );
    const good = `Basic ${Buffer.from(`${reportCredentials.username}:${reportCredentials.password}`).toString("base64")}`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(textMutation, { maxLength: 2 }),
        fc.option(
          fc.constantFrom("application/xml", "text/xml; charset=utf-8", "text/plain", "application/json", ""),
        ),
        fc.constantFrom(good, "Basic eDp5", "", "Bearer x"),
        async (mutations, contentType, authorization) => {
          let bytes: Buffer = report;
          for (const m of mutations) bytes = applyTextMutation(bytes, m);
          const answer = await harness.call({
            operationId: "receiveSmsDeliveryReport",
            method: "POST",
            headers: { authorization, ...(contentType === null ? {} : { "content-type": contentType }) },
            body: bytes,
          });
          expectWellFormed(answer, { mutations, contentType, authorization });
          if (authorization !== good) expect(answer.status).toBe(401);
        },
      ),
      { numRuns: runs(60) },
    );
  }, 60_000);
});
