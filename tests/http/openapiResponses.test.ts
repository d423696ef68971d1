import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { isSuccessSpec, operations, type OperationSpec } from "../../shared/http/openapi";
import { responseSchemas } from "../../shared/http/views/responseSchemas";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

const tenant = "991825827";
let service: LocalService;
let api: ApiClient;
let operator: ApiClient;
/** Every (operation, status) an answer was checked for. */
const seen = new Set<string>();

beforeAll(async () => {
  service = await startCompiledService();
  service.clock.freeze("2026-11-23T09:00:00.000Z");
  api = apiClient(service.host.apiUrl, await localToken(tenant));
  operator = apiClient(
    service.host.apiUrl,
    await localToken(
      tenant,
      "altinn:notifications.support.admin altinn:serviceowner/notifications.create altinn:serviceowner/notifications.composedemail.create",
    ),
  );
});
afterAll(async () => {
  await service?.close();
});

/** The documented operation a request reaches; a literal segment wins over a parameter, as in routing. */
function operationFor(method: string, path: string): OperationSpec {
  const pathOnly = (path.split("?")[0] ?? path).slice(1);
  const parameters = (op: OperationSpec) => op.route.split("{").length - 1;
  const [match] = operations
    .filter(
      (op) =>
        op.method === method.toLowerCase() &&
        new RegExp(`^${op.route.replace(/\{\w+\}/g, "[^/]+")}$`).test(pathOnly),
    )
    .sort((a, b) => parameters(a) - parameters(b));
  if (!match) throw new Error(`no documented operation for ${method} ${path}`);
  return match;
}

/**
 * Calls the running service and checks the answer against what openapi.json says of that operation and
 * status: a documented status, a body its component schema accepts, and no field the schema does not list
 * (parsing strips unknown keys, so the parsed body must equal the body as sent).
 */
async function documented(
  client: ApiClient,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  const response = await client.request(method, path, body, headers);
  const op = operationFor(method, path);
  const spec = op.responses[String(response.status)];
  expect(spec, `${op.operationId} answered an undocumented ${response.status}`).toBeDefined();
  if (isSuccessSpec(spec)) {
    const schema = responseSchemas[spec.body];
    const parsed = schema.safeParse(response.body);
    expect(parsed.error?.issues ?? [], `${op.operationId} ${response.status}`).toEqual([]);
    expect(parsed.data, `${op.operationId} ${response.status} has undocumented fields`).toEqual(
      response.body,
    );
    expect(response.headers.get("content-type") ?? "").toContain(spec.contentType ?? "application/json");
    for (const name of Object.keys(spec.headers ?? {})) {
      expect(response.headers.get(name), `${op.operationId} header ${name}`).toBeTruthy();
    }
  } else {
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    if (typeof spec === "object") {
      for (const name of Object.keys(spec.headers ?? {})) {
        expect(
          response.headers.get(name),
          `${op.operationId} ${response.status} header ${name}`,
        ).toBeTruthy();
      }
    }
  }
  seen.add(`${op.operationId} ${response.status}`);
  return response;
}

const emailSettings = { subject: "Subject", body: "Body" };

describe("openapi.json response schemas", () => {
  it("describes every success answer of every route with the schema its body matches", async () => {
    const chain = await documented(api, "POST", "/future/orders", {
      idempotencyId: "responses-1",
      sendersReference: "ref-1",
      recipient: { recipientEmail: { emailAddress: "a@example.net", emailSettings } },
      reminders: [
        {
          delayDays: 1,
          recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings: { body: "Hei" } } },
        },
      ],
    });
    const chainBody = chain.body as {
      notificationOrderId: string;
      notification: { shipmentId: string; reminders: Array<{ shipmentId: string }> };
    };
    await documented(api, "POST", "/future/orders", {
      idempotencyId: "responses-1",
      sendersReference: "ref-1",
      recipient: { recipientEmail: { emailAddress: "a@example.net", emailSettings } },
      reminders: [
        {
          delayDays: 1,
          recipient: { recipientSms: { phoneNumber: "+4798765432", smsSettings: { body: "Hei" } } },
        },
      ],
    });
    await service.settle();
    await documented(api, "GET", `/future/orders/${chainBody.notificationOrderId}`);
    await documented(api, "GET", `/future/shipment/${chainBody.notification.shipmentId}`);
    await documented(api, "GET", "/future/shipment/feed?seq=0");
    const reminderId = chainBody.notification.reminders[0]?.shipmentId ?? "";
    await documented(api, "PUT", `/future/orders/${reminderId}/cancel`);

    const second = await documented(api, "POST", "/future/orders", {
      idempotencyId: "responses-2",
      requestedSendTime: "2026-11-30T09:00:00Z",
      recipient: { recipientEmail: { emailAddress: "b@example.net", emailSettings } },
    });
    await documented(
      api,
      "PUT",
      `/future/orders/${(second.body as { notificationOrderId: string }).notificationOrderId}/cancel`,
    );

    const instantSms = {
      idempotencyId: "responses-sms",
      recipientSms: { phoneNumber: "+4798765432", timeToLiveInSeconds: 3600, smsSettings: { body: "Nå" } },
    };
    const instantEmail = {
      idempotencyId: "responses-email",
      recipientEmail: { emailAddress: "c@example.net", emailSettings },
    };
    const instantNotification = {
      idempotencyId: "responses-instant",
      recipient: { recipientSms: instantSms.recipientSms },
    };
    for (const replay of [false, true]) {
      expect((await documented(api, "POST", "/future/orders/instant", instantNotification)).status).toBe(
        replay ? 200 : 201,
      );
      expect((await documented(api, "POST", "/future/orders/instant/sms", instantSms)).status).toBe(
        replay ? 200 : 201,
      );
      expect((await documented(api, "POST", "/future/orders/instant/email", instantEmail)).status).toBe(
        replay ? 200 : 201,
      );
    }

    const composed = {
      idempotencyId: "responses-composed",
      recipient: { emailAddress: "e@example.net", emailSettings },
    };
    for (const expected of [201, 200]) {
      expect((await documented(operator, "POST", "/future/orders/composed-email", composed)).status).toBe(
        expected,
      );
    }

    const legacy = await documented(api, "POST", "/orders", {
      sendersReference: "legacy-1",
      notificationChannel: "EmailPreferred",
      emailTemplate: emailSettings,
      smsTemplate: { body: "Hei" },
      recipients: [{ nationalIdentityNumber: "15838510075" }],
    });
    await documented(api, "POST", "/orders/email", {
      subject: "S",
      body: "B",
      recipients: [{ emailAddress: "d@example.net" }],
    });
    await documented(api, "POST", "/orders/sms", {
      body: "Hei",
      recipients: [{ mobileNumber: "+4798765432" }],
    });
    await service.settle();
    const orderId = (legacy.body as { orderId: string }).orderId;
    await documented(api, "GET", `/orders/${orderId}`);
    await documented(api, "GET", "/orders?sendersReference=legacy-1");
    await documented(api, "GET", `/orders/${orderId}/status`);
    await documented(api, "GET", `/orders/${orderId}/notifications/email`);
    await documented(api, "GET", `/orders/${orderId}/notifications/sms`);
    const later = await documented(api, "POST", "/orders/sms", {
      body: "Later",
      requestedSendTime: "2026-11-30T09:00:00Z",
      recipients: [{ mobileNumber: "+4798765432" }],
    });
    await documented(api, "PUT", `/orders/${(later.body as { orderId: string }).orderId}/cancel`);

    await documented(operator, "GET", "/future/dashboard/recipients/notifications/nin", undefined, {
      NationalIdentityNumber: "15838510075",
    });
    await documented(operator, "GET", "/future/dashboard/recipients/notifications/orgnumber", undefined, {
      OrganizationNumber: "310000027",
    });
    await documented(api, "GET", "/tests/sendcondition?conditionMet=true");
    await documented(operator, "POST", "/metrics/sms");
    await documented(operator, "POST", "/metrics/email");
    await documented(operator, "GET", "/metrics/monthly?year=2026&month=11");
    await documented(operator, "GET", "/operations/dead-delivery-reports");
    await documented(operator, "POST", "/operations/dead-delivery-reports/replay");
    await documented(operator, "POST", "/operations/erasure", { nationalIdentityNumber: "15838510075" });
    await documented(
      api,
      "POST",
      "/delivery-reports/sms",
      '<?xml version="1.0"?><MSGLST><MSG><ID>1</ID><REF>unknown-ref</REF><RCV>4798765432</RCV><STATE>DELIVRD</STATE></MSG></MSGLST>',
      {
        authorization: `Basic ${Buffer.from("link-reports:local-report-password").toString("base64")}`,
        "content-type": "application/xml",
      },
    );
    await documented(api, "POST", "/future/templates", { name: "openapi-t", sms: { nb: { body: "Hei" } } });
    await documented(api, "GET", "/future/templates");
    await documented(api, "GET", "/future/templates/openapi-t");
    await documented(api, "PUT", "/future/templates/openapi-t/retire");
    const hooks = "/webhooks/subscriptions";
    const created = await documented(api, "POST", hooks, {
      url: "http://127.0.0.1:9/hooks",
      events: ["order.status"],
    });
    const hook = `${hooks}/${(created.body as { id: string }).id}`;
    await documented(api, "GET", hooks);
    await documented(api, "GET", hook);
    await documented(api, "POST", `${hook}/rotate-secret`);
    await documented(api, "POST", `${hook}/pause`);
    await documented(api, "POST", `${hook}/resume`);
    await documented(api, "GET", `${hook}/deliveries?status=failed`);
    await documented(api, "POST", `${hook}/redeliver`);
    await documented(api, "DELETE", hook);
    const bulkOrder = {
      idempotencyId: "openapi-bulk",
      channelSchema: "Email",
      emailSettings,
      requestedSendTime: "2026-11-24T09:00:00.000Z",
    };
    const bulk = await documented(api, "POST", "/future/orders/bulk", bulkOrder);
    await documented(api, "POST", "/future/orders/bulk", bulkOrder);
    const bulkPath = `/future/orders/bulk/${(bulk.body as { notificationOrderId: string }).notificationOrderId}`;
    const ndjson = { "content-type": "application/x-ndjson" };
    await documented(api, "PUT", `${bulkPath}/recipients/1`, '{"emailAddress":"bulk@example.com"}', ndjson);
    await documented(api, "PUT", `${bulkPath}/recipients/1`, '{"emailAddress":"bulk@example.com"}', ndjson);
    await documented(api, "GET", bulkPath);
    await documented(api, "POST", `${bulkPath}/submit`);
    await documented(api, "PUT", `${bulkPath}/cancel`);
    await documented(api, "GET", "/health");
    await documented(api, "GET", "/openapi.json");

    const missing = operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([status, spec]) => isSuccessSpec(spec) && !seen.has(`${op.operationId} ${status}`))
        .map(([status]) => `${op.operationId} ${status}`),
    );
    expect(missing).toEqual([]);
  });

  it("names a body schema for every 2xx answer", () => {
    for (const op of operations) {
      for (const [status, spec] of Object.entries(op.responses)) {
        if (Number(status) < 300) expect(isSuccessSpec(spec), `${op.operationId} ${status}`).toBe(true);
      }
    }
  });

  it("answers errors as problem documents, as described", async () => {
    await documented(api, "GET", "/orders/00000000-0000-4000-8000-000000000000");
    await documented(api, "GET", "/future/shipment/00000000-0000-4000-8000-000000000000");
    await documented(api, "POST", "/future/orders", { idempotencyId: "x" });
  });
});
