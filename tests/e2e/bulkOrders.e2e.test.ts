import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosClient } from "../../shared/adapters/cosmos/client";
import { upsertRegistryDocuments } from "../../shared/adapters/cosmos/cosmosContactRegistry";
import type { LocalService } from "../../shared/local/localService";
import { containers } from "../../shared/platform/resources";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

const tenant = "991825827";
/** Monday 23 November 2026, 10:00 in Oslo. */
const monday10 = "2026-11-23T09:00:00.000Z";

/** The i-th valid fødselsnummer of a generated series (mod-11 check digits; numbers needing a 10 skipped). */
function* nationalIdentityNumbers(): Generator<string> {
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  for (let n = 0; ; n += 1) {
    const digits = [
      ...String(1 + (n % 28)).padStart(2, "0"),
      ...String(1 + (Math.floor(n / 28) % 12)).padStart(2, "0"),
      ...String(40 + (Math.floor(n / 336) % 50)).padStart(2, "0"),
      ...String(100 + (Math.floor(n / 16800) % 400)).padStart(3, "0"),
    ].map(Number);
    const k1 = (11 - (digits.reduce((s, d, i) => s + d * w1[i]!, 0) % 11)) % 11;
    if (k1 === 10) continue;
    const k2 = (11 - ([...digits, k1].reduce((s, d, i) => s + d * w2[i]!, 0) % 11)) % 11;
    if (k2 === 10) continue;
    yield [...digits, k1, k2].join("");
  }
}

/** Recipients: 40 % persons (in a generated register), 30 % plain email, 30 % plain SMS. */
function generate(count: number) {
  const ids = nationalIdentityNumbers();
  const persons: Array<Record<string, unknown>> = [];
  const lines: string[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const kind = i % 10;
    if (kind < 4) {
      const nationalIdentityNumber = ids.next().value as string;
      const email = `person${i}@example.com`;
      persons.push({ nationalIdentityNumber, email, reserved: false, language: "nb" });
      lines.push(JSON.stringify({ nationalIdentityNumber }));
      addresses.push(email);
    } else if (kind < 7) {
      lines.push(JSON.stringify({ emailAddress: `plain${i}@example.com` }));
      addresses.push(`plain${i}@example.com`);
    } else {
      const phoneNumber = `+4791${String(i).padStart(6, "0")}`;
      lines.push(JSON.stringify({ phoneNumber }));
      addresses.push(phoneNumber);
    }
  }
  return {
    register: { persons, organizations: [], userContactPoints: [] },
    ndjson: lines.join("\n"),
    addresses,
  };
}

interface View {
  status: string;
  recipientsUploaded: number;
  recipientCount?: number;
  recipientsProcessed?: number;
  recipientsRemaining?: number;
  notifications?: { total: number; delivered: number; failed: number };
}

describe("a bulk order through the local host", () => {
  let service: LocalService;
  let api: ApiClient;
  const { register, ndjson, addresses } = generate(2000);

  beforeAll(async () => {
    service = await startCompiledService();
    service.clock.freeze(monday10);
    api = apiClient(service.host.apiUrl, await localToken(tenant));
    const client = createCosmosClient({
      endpoint: service.cosmosEndpoint,
      key: "bG9jYWwtY29zbW9zLWtleQ==",
      database: "varsel",
    });
    await upsertRegistryDocuments(client.database("varsel").container(containers.registry.name), register);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  const upload = (id: string, part: number, body: string, contentType = "application/x-ndjson") =>
    api.request("PUT", `/future/orders/bulk/${id}/recipients/${part}`, body, { "content-type": contentType });
  const view = async (id: string) => {
    const response = await api.request("GET", `/future/orders/bulk/${id}`);
    expect(response.status).toBe(200);
    return response.body as View;
  };

  it("uploads 2,000 mixed recipients, sends each exactly once and shows progress to completion", async () => {
    const created = await api.request("POST", "/future/orders/bulk", {
      idempotencyId: "bulk-e2e-1",
      sendersReference: "bulk-e2e",
      channelSchema: "EmailPreferred",
      emailSettings: { subject: "Skattemeldingen", body: "Skattemeldingen er klar." },
      smsSettings: { body: "Skattemeldingen er klar.", sendingTimePolicy: "Anytime" },
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { notificationOrderId: string }).notificationOrderId;
    expect(created.headers.get("location")).toBe(`${service.host.apiUrl}/future/orders/bulk/${id}`);
    expect((await view(id)).status).toBe("Uploading");

    // A part with a bad line is refused whole, with the line's number, and leaves nothing behind.
    const refused = await upload(id, 1, `${ndjson}\n{"phoneNumber":"12"}\n`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      invalidLines: 1,
      lineErrors: [
        { line: 2001, field: "phoneNumber", message: "Recipient phone number is not a valid mobile number." },
      ],
    });
    expect((await view(id)).recipientsUploaded).toBe(0);

    const accepted = await upload(id, 1, ndjson);
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body).toEqual({ part: 1, recipients: 2000 });
    // The same part again: the same answer, nothing written twice.
    const again = await upload(id, 1, ndjson);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ part: 1, recipients: 2000 });
    expect(await view(id)).toMatchObject({ status: "Uploading", recipientsUploaded: 2000 });

    const submitted = await api.request("POST", `/future/orders/bulk/${id}/submit`);
    expect(submitted.status, submitted.text).toBe(202);
    expect(submitted.headers.get("location")).toBe(`${service.host.apiUrl}/future/orders/bulk/${id}`);

    const seen: View[] = [];
    for (let round = 0; round < 200; round += 1) {
      await service.host.runTimer("sweepOrders");
      await service.settle();
      service.clock.freeze(new Date(service.clock.now().getTime() + 10_000));
      // Counts are kept 30 s: each round moves the clock 10 s, so every third view counts again.
      const current = await view(id);
      seen.push(current);
      if (current.status === "Completed") break;
    }
    const last = seen.at(-1);
    expect(last).toMatchObject({
      status: "Completed",
      recipientCount: 2000,
      recipientsProcessed: 2000,
      recipientsRemaining: 0,
      notifications: { total: 2000, delivered: 2000, failed: 0 },
    });

    const sent = service.outbox.list().map((m) => (m as { to: string }).to);
    expect(sent).toHaveLength(2000);
    expect(new Set(sent)).toEqual(new Set(addresses));

    // Once submitted, no part can be added.
    expect((await upload(id, 2, ndjson)).status).toBe(409);
  }, 480_000);

  it("answers a part it refuses before the end of its body, instead of dropping the connection", async () => {
    const created = await api.request("POST", "/future/orders/bulk", {
      idempotencyId: "bulk-e2e-too-many",
      emailSettings: { subject: "S", body: "B" },
      channelSchema: "Email",
    });
    const id = (created.body as { notificationOrderId: string }).notificationOrderId;
    const tooMany = '{"emailAddress":"a@example.com"}\n'.repeat(100_001);
    const refused = await upload(id, 1, tooMany);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("at most 100000 recipients (line 100001)");
    // The connection is still good for the next request.
    expect((await upload(id, 1, '{"emailAddress":"a@example.com"}')).status).toBe(201);
  }, 120_000);

  it("keeps another organisation's bulk order out of sight", async () => {
    const created = await api.request("POST", "/future/orders/bulk", {
      idempotencyId: "bulk-e2e-tenant",
      emailSettings: { subject: "S", body: "B" },
      channelSchema: "Email",
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { notificationOrderId: string }).notificationOrderId;
    const other = apiClient(service.host.apiUrl, await localToken("310000027"));
    expect((await other.request("GET", `/future/orders/bulk/${id}`)).status).toBe(404);
    const put = await other.request(
      "PUT",
      `/future/orders/bulk/${id}/recipients/1`,
      '{"emailAddress":"a@example.com"}',
      {
        "content-type": "application/x-ndjson",
      },
    );
    expect(put.status).toBe(404);
    expect((await other.request("POST", `/future/orders/bulk/${id}/submit`)).status).toBe(404);
  });
});
