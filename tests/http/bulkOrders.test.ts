import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Dependencies } from "../../shared/app/dependencies";
import type { Endpoint } from "../../shared/http/endpoint";
import {
  cancelBulkOrderEndpoint,
  createBulkOrder,
  getBulkOrder,
  submitBulkOrderEndpoint,
  uploadBulkRecipients,
} from "../../shared/http/handlers/bulkOrders";
import { startTestCosmos, type TestCosmos } from "../support/cosmos";
import { testDependencies } from "../support/dependencies";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";
import { ManualClock } from "../support/pipeline";

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
});

interface Call {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  params?: Record<string, string>;
}

async function call(
  endpoint: Endpoint,
  { method, path, body, contentType = "application/json", params = {} }: Call,
) {
  const request = new HttpRequest({
    method,
    url: `${base}${path}`,
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
    params,
    ...(body === undefined ? {} : { body: { string: body } }),
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
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const order = (extra: Record<string, unknown> = {}) => ({
  idempotencyId: "bulk-1",
  channelSchema: "EmailPreferred",
  emailSettings: { subject: "Subject", body: "Body" },
  smsSettings: { body: "Body" },
  ...extra,
});

async function create(extra: Record<string, unknown> = {}) {
  const response = await call(createBulkOrder, {
    method: "POST",
    path: "/future/orders/bulk",
    body: JSON.stringify(order(extra)),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return String(response.body?.["notificationOrderId"]);
}

const upload = (id: string, part: number, body: string, contentType = "application/x-ndjson") =>
  call(uploadBulkRecipients, {
    method: "PUT",
    path: `/future/orders/bulk/${id}/recipients/${part}`,
    body,
    contentType,
    params: { id, part: String(part) },
  });
const view = async (id: string) =>
  (await call(getBulkOrder, { method: "GET", path: `/future/orders/bulk/${id}`, params: { id } })).body;

describe("creating a bulk order", () => {
  it("is idempotent per idempotencyId and refuses the id for another request", async () => {
    const id = await create();
    const again = await call(createBulkOrder, {
      method: "POST",
      path: "/future/orders/bulk",
      body: JSON.stringify(order()),
    });
    expect(again).toMatchObject({ status: 200, body: { notificationOrderId: id } });
    const other = await call(createBulkOrder, {
      method: "POST",
      path: "/future/orders/bulk",
      body: JSON.stringify(order({ sendersReference: "other" })),
    });
    expect(other.status).toBe(409);
  });

  it("needs the settings its channel schema names, with Altinn's messages", async () => {
    const response = await call(createBulkOrder, {
      method: "POST",
      path: "/future/orders/bulk",
      body: JSON.stringify({ idempotencyId: "x", channelSchema: "Sms" }),
    });
    expect(response).toMatchObject({
      status: 400,
      body: { errors: { smsSettings: ["SmsSettings must be set when ChannelSchema is Sms"] } },
    });
  });
});

describe("uploading a part", () => {
  it("reads CSV with a byte-order mark, CRLF, quoted fields and blank lines", async () => {
    const id = await create();
    const csv =
      '\uFEFFname,nationalIdentityNumber,orgNumber,emailAddress,phoneNumber\r\n"Nordmann, Kari",15838510075,,,\r\n\r\nx,,310000027,,\r\n"",,,"a@example.com",\r\n,,,,98765432\r\n';
    const response = await upload(id, 1, csv, "text/csv; charset=utf-8");
    expect(response).toEqual({ status: 201, body: { part: 1, recipients: 4 } });
    expect(await view(id)).toMatchObject({
      status: "Uploading",
      recipientsUploaded: 4,
      parts: [{ part: 1, status: "Accepted", recipients: 4 }],
    });
  });

  it("refuses a part with bad lines whole: line, field and message of the first 100, and the count", async () => {
    const id = await create({ smsSettings: undefined, channelSchema: "Email" });
    const lines = [
      '{"emailAddress":"ok@example.com"}',
      '{"nationalIdentityNumber":"15838510076"}',
      '{"phoneNumber":"98765432"}',
      '{"emailAddress":"a@example.com","orgNumber":"310000027"}',
      "not json",
      ...Array.from({ length: 150 }, () => '{"emailAddress":"no-at-sign"}'),
    ];
    const response = await upload(id, 1, lines.join("\n"));
    expect(response.status).toBe(400);
    const body = response.body as { invalidLines: number; lineErrors: unknown[] };
    expect(body.invalidLines).toBe(154);
    expect(body.lineErrors).toHaveLength(100);
    expect(body.lineErrors.slice(0, 5)).toEqual([
      {
        line: 2,
        field: "nationalIdentityNumber",
        message: "National identity number is not valid (check digits).",
      },
      { line: 3, field: "phoneNumber", message: "Recipient SMS settings cannot be null." },
      { line: 4, field: "", message: "Must have exactly one recipient." },
      { line: 5, field: "", message: expect.stringContaining("The line is not valid JSON") },
      { line: 6, field: "emailAddress", message: "Invalid email address format." },
    ]);
    expect(await view(id)).toMatchObject({ recipientsUploaded: 0, parts: [] });
  });

  it("answers the same part again with the same receipt, and refuses other recipients for it", async () => {
    const id = await create();
    const part = '{"emailAddress":"a@example.com"}\n{"phoneNumber":"+4798765432"}\n';
    expect(await upload(id, 1, part)).toEqual({ status: 201, body: { part: 1, recipients: 2 } });
    // The same recipients in the other format are the same part.
    expect(await upload(id, 1, "phoneNumber,emailAddress\n,a@example.com\n98765432,\n", "text/csv")).toEqual({
      status: 200,
      body: { part: 1, recipients: 2 },
    });
    expect((await upload(id, 1, '{"emailAddress":"b@example.com"}')).status).toBe(409);
  });

  it("refuses another content type, an empty part, a part number out of range and more than 100,000 lines", async () => {
    const id = await create();
    expect((await upload(id, 1, '{"emailAddress":"a@example.com"}', "application/json")).status).toBe(415);
    expect((await upload(id, 1, "\n\n")).status).toBe(400);
    expect((await upload(id, 51, '{"emailAddress":"a@example.com"}')).status).toBe(400);
    const tooMany = '{"emailAddress":"a@example.com"}\n'.repeat(100_001);
    const response = await upload(id, 1, tooMany);
    expect(response).toMatchObject({
      status: 400,
      body: { errors: { "": [expect.stringContaining("at most 100000")] } },
    });
    expect(await view(id)).toMatchObject({ parts: [] });
  }, 60_000);
});

describe("submitting and cancelling", () => {
  it("needs the parts from 1 without gaps, then registers the order and takes no more parts", async () => {
    const id = await create({ requestedSendTime: "2026-11-24T09:00:00.000Z" });
    const submit = () =>
      call(submitBulkOrderEndpoint, {
        method: "POST",
        path: `/future/orders/bulk/${id}/submit`,
        params: { id },
      });
    expect((await submit()).status).toBe(409);
    await upload(id, 2, '{"emailAddress":"a@example.com"}');
    expect(await submit()).toMatchObject({ status: 409 });
    await upload(id, 1, '{"emailAddress":"b@example.com"}');
    // Part 1 is not full, so part 2 would leave a gap in the list.
    expect((await submit()).body).toMatchObject({
      detail: expect.stringContaining("every part but the last"),
    });
    const fresh = await create({ idempotencyId: "bulk-2", requestedSendTime: "2026-11-24T09:00:00.000Z" });
    await upload(fresh, 1, '{"emailAddress":"b@example.com"}');
    const submitted = await call(submitBulkOrderEndpoint, {
      method: "POST",
      path: `/future/orders/bulk/${fresh}/submit`,
      params: { id: fresh },
    });
    expect(submitted).toMatchObject({ status: 202, body: { recipientCount: 1 } });
    expect(await view(fresh)).toMatchObject({
      status: "Registered",
      recipientCount: 1,
      recipientsRemaining: 1,
    });
    expect((await upload(fresh, 2, '{"emailAddress":"c@example.com"}')).status).toBe(409);
    const cancelled = await call(cancelBulkOrderEndpoint, {
      method: "PUT",
      path: `/future/orders/bulk/${fresh}/cancel`,
      params: { id: fresh },
    });
    expect(cancelled).toMatchObject({ status: 200, body: { status: "Cancelled" } });
  });

  it("closes an open bulk order to uploads when cancelled", async () => {
    const id = await create();
    const cancel = await call(cancelBulkOrderEndpoint, {
      method: "PUT",
      path: `/future/orders/bulk/${id}/cancel`,
      params: { id },
    });
    expect(cancel).toMatchObject({ status: 200, body: { status: "Cancelled" } });
    expect((await upload(id, 1, '{"emailAddress":"a@example.com"}')).status).toBe(409);
  });
});
