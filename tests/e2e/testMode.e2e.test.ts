import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

/** An organisation in test mode, and one sending for real to the local fake providers. */
const testing = "974760673";
const live = "991825827";

let service: LocalService;
let testApi: ApiClient;
let liveApi: ApiClient;

beforeAll(async () => {
  // The same setting an operator gives the Function App on Azure.
  process.env["SERVICE_OWNER_LIMITS"] = JSON.stringify({ tenants: { [testing]: { testMode: true } } });
  service = await startCompiledService();
  service.clock.freeze("2026-11-23T10:00:00.000Z"); // a Monday, 11:00 in Oslo: inside every sending window
  testApi = apiClient(service.host.apiUrl, await localToken(testing));
  liveApi = apiClient(service.host.apiUrl, await localToken(live));
});
afterAll(async () => {
  await service?.close();
  delete process.env["SERVICE_OWNER_LIMITS"];
});

let sequence = 0;
async function order(api: ApiClient, recipient: Record<string, unknown>): Promise<string> {
  sequence += 1;
  const response = await api.request("POST", "/future/orders", {
    idempotencyId: `test-mode-${sequence}`,
    recipient,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return (response.body as { notification: { shipmentId: string } }).notification.shipmentId;
}
const email = (emailAddress: string) => ({
  recipientEmail: { emailAddress, emailSettings: { subject: "Test", body: "Test" } },
});
const sms = (phoneNumber: string) => ({ recipientSms: { phoneNumber, smsSettings: { body: "Test" } } });

interface Shipment {
  status: string;
  recipients: Array<{ destination: string; status: string }>;
}
async function shipment(api: ApiClient, id: string): Promise<Shipment> {
  return (await api.request("GET", `/future/shipment/${id}`)).body as Shipment;
}

describe("test mode", () => {
  it("runs the whole pipeline to each magic address's outcome and never reaches ACS or LINK", async () => {
    const expected: Record<string, string> = {
      "delivered@example.org": "Email_Delivered",
      "bounced@example.org": "Email_Failed_Bounced",
      "failed@example.org": "Email_Failed",
      "suppressed@example.org": "Email_Failed_SuppressedRecipient",
      "+4798765432": "SMS_Delivered",
      "+4790000002": "SMS_Failed_Undelivered",
      "+4790000003": "SMS_Failed_Expired",
      "+4790000005": "SMS_Failed_InvalidRecipient",
    };
    const shipments = new Map<string, string>();
    for (const address of Object.keys(expected))
      shipments.set(address, await order(testApi, address.startsWith("+") ? sms(address) : email(address)));
    const liveShipment = await order(liveApi, email("bounced@example.org"));
    await service.settle();
    service.clock.advance(5_000); // the simulated reports follow the sends after 2 s
    await service.settle();

    for (const [address, id] of shipments) {
      const seen = await shipment(testApi, id);
      expect(seen.status, address).toBe("Order_Completed");
      expect(
        seen.recipients.map((r) => r.status),
        address,
      ).toEqual([expected[address]]);
    }
    // Only the live organisation's email went to the (local) provider.
    expect(service.outbox.list().map((m) => m.to)).toEqual(["bounced@example.org"]);
    expect((await shipment(liveApi, liveShipment)).recipients.map((r) => r.status)).toEqual([
      "Email_Delivered",
    ]);

    const feed = await testApi.request("GET", "/future/shipment/feed?seq=0");
    expect(
      (feed.body as Array<{ status: string }>).filter((e) => e.status === "Order_Completed"),
    ).toHaveLength(Object.keys(expected).length);
  });

  it("looks the simulated persons up for a test-mode organisation: one with details, one reserved, one unknown", async () => {
    const person = (nationalIdentityNumber: string) => ({
      recipientPerson: {
        nationalIdentityNumber,
        channelSchema: "EmailPreferred",
        emailSettings: { subject: "Test", body: "Test" },
        smsSettings: { body: "Test" },
      },
    });
    const withDetails = await order(testApi, person("01819000200"));
    const reserved = await order(testApi, person("01819000049"));
    const unknown = await testApi.request("POST", "/future/orders", {
      idempotencyId: "test-mode-unknown-person",
      recipient: person("01819000391"),
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: "NOT-00001" });
    // Another organisation does not see the simulated persons.
    const live = await liveApi.request("POST", "/future/orders", {
      idempotencyId: "live-simulated-person",
      recipient: person("01819000200"),
    });
    expect(live.status).toBe(422);

    await service.settle();
    service.clock.advance(5_000);
    await service.settle();
    expect((await shipment(testApi, withDetails)).recipients.map((r) => r.status)).toEqual([
      "Email_Delivered",
    ]);
    const seen = await shipment(testApi, reserved);
    expect(seen.status).toBe("Order_Completed");
    expect(seen.recipients.map((r) => r.status)).toEqual(["Email_Failed_RecipientReserved"]);
    expect(
      service.outbox.list().filter((m) => m.to.includes("@example.org") && m.to !== "bounced@example.org"),
    ).toEqual([]);
  });

  it("takes a bulk order through the same simulator: each magic line's outcome, nothing to ACS or LINK", async () => {
    const expected: Array<[line: Record<string, string>, destination: string, status: string]> = [
      [{ emailAddress: "delivered+plain@example.org" }, "delivered+plain@example.org", "Email_Delivered"],
      [{ emailAddress: "bounced+bulk@example.org" }, "bounced+bulk@example.org", "Email_Failed_Bounced"],
      [{ emailAddress: "failed@example.org" }, "failed@example.org", "Email_Failed"],
      [{ phoneNumber: "+4790000002" }, "+4790000002", "SMS_Failed_Undelivered"],
      [{ phoneNumber: "+4798765432" }, "+4798765432", "SMS_Delivered"],
      [{ nationalIdentityNumber: "01819000200" }, "delivered@example.org", "Email_Delivered"],
      [{ nationalIdentityNumber: "01819000049" }, "", "Email_Failed_RecipientReserved"],
      // A bulk order is not looked up at intake: the unknown person fails when the order is processed.
      [{ nationalIdentityNumber: "01819000391" }, "", "Email_Failed_RecipientNotIdentified"],
    ];
    const created = await testApi.request("POST", "/future/orders/bulk", {
      idempotencyId: "test-mode-bulk",
      channelSchema: "EmailPreferred",
      emailSettings: { subject: "Test", body: "Test" },
      smsSettings: { body: "Test", sendingTimePolicy: "Anytime" },
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { notificationOrderId: string }).notificationOrderId;
    const lines = expected.map(([line]) => JSON.stringify(line)).join("\n");
    const part = await testApi.request("PUT", `/future/orders/bulk/${id}/recipients/1`, lines, {
      "content-type": "application/x-ndjson",
    });
    expect(part.status, part.text).toBe(201);
    const before = service.outbox.list().length;
    expect((await testApi.request("POST", `/future/orders/bulk/${id}/submit`)).status).toBe(202);

    for (
      let round = 0;
      round < 20 && (await shipment(testApi, id)).status !== "Order_Completed";
      round += 1
    ) {
      await service.host.runTimer("sweepOrders");
      await service.settle();
      service.clock.advance(5_000); // the simulated reports follow the sends after 2 s
      await service.settle();
    }
    const seen = await shipment(testApi, id);
    expect(seen.status).toBe("Order_Completed");
    const statuses = seen.recipients.map((r) => r.status).sort();
    expect(statuses).toEqual(expected.map(([, , status]) => status).sort());
    for (const [line, destination, status] of expected.filter(([, d]) => d !== "")) {
      expect(seen.recipients, JSON.stringify(line)).toContainEqual(
        expect.objectContaining({ destination, status }),
      );
    }
    expect(service.outbox.list().length).toBe(before); // nothing reached the (local) providers
  }, 120_000);
});
