import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { startConditionEndpoint, type ConditionEndpoint } from "../support/conditionEndpoint";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";
import {
  captureProcessOutput,
  leaksIn,
  personalDataIn,
  type OutputCapture,
} from "../support/personalDataScan";
import sampleRegistry from "../../shared/local/sampleRegistry.json";

const tenant = "991825827";
/** Monday 23 November 2026, 10:00 in Oslo: inside the daytime window. */
const monday10 = "2026-11-23T09:00:00.000Z";

interface Shipment {
  status: string;
  recipients: Array<{ type: string; destination: string; status: string }>;
}

/**
 * The end-to-end scenarios of the pipeline through the local host: each order goes in through the HTTP API
 * and must reach its expected final status, with exactly the expected messages in the outbox.
 */
export function pipelineScenarios(options: { duplicateDelivery: boolean }) {
  let service: LocalService;
  let api: ApiClient;
  let condition: ConditionEndpoint;
  let conditionUrl: string;

  let output: OutputCapture;

  beforeAll(async () => {
    output = captureProcessOutput();
    service = await startCompiledService({ duplicateDelivery: options.duplicateDelivery });
    service.clock.freeze(monday10);
    api = apiClient(service.host.apiUrl, await localToken(tenant));
    condition = await startConditionEndpoint();
    conditionUrl = condition.url;
  });
  afterAll(async () => {
    output?.stop();
    await service?.close();
    await condition?.close();
  });

  let sequence = 0;
  async function order(recipient: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    sequence += 1;
    const response = await api.request("POST", "/future/orders", {
      idempotencyId: `e2e-${options.duplicateDelivery ? "dup" : "once"}-${sequence}`,
      sendersReference: `scenario-${sequence}`,
      recipient,
      ...extra,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return (response.body as { notification: { shipmentId: string } }).notification.shipmentId;
  }

  async function shipment(id: string): Promise<Shipment> {
    const response = await api.request("GET", `/future/shipment/${id}`);
    expect(response.status).toBe(200);
    return response.body as Shipment;
  }

  const outboxFor = (predicate: (m: { to: string; body: string }) => boolean) =>
    service.outbox.list().filter((m) => predicate(m as { to: string; body: string }));

  const email = (subject: string, body = "Body") => ({ subject, body });
  const sms = (body: string) => ({ body, sendingTimePolicy: "Anytime" });

  describe(`the pipeline${options.duplicateDelivery ? " with every queue message delivered twice" : ""}`, () => {
    it("delivers a plain email, a plain SMS, a person and an organisation, and completes each order", async () => {
      const ids = {
        email: await order({
          recipientEmail: { emailAddress: "plain@example.net", emailSettings: email("Plain") },
        }),
        sms: await order({ recipientSms: { phoneNumber: "+4798765432", smsSettings: sms("Plain SMS") } }),
        person: await order({
          recipientPerson: {
            nationalIdentityNumber: "15838510075",
            channelSchema: "EmailPreferred",
            emailSettings: email("To Kari"),
            smsSettings: sms("To Kari"),
          },
        }),
        organization: await order({
          recipientOrganization: {
            orgNumber: "310000027",
            channelSchema: "EmailPreferred",
            emailSettings: email("Til $recipientName$"),
            smsSettings: sms("Til $recipientName$"),
          },
        }),
      };
      await service.settle();

      expect(await shipment(ids.email)).toMatchObject({
        status: "Order_Completed",
        recipients: [{ type: "Email", destination: "plain@example.net", status: "Email_Delivered" }],
      });
      expect(await shipment(ids.sms)).toMatchObject({
        status: "Order_Completed",
        recipients: [{ type: "SMS", destination: "+4798765432", status: "SMS_Delivered" }],
      });
      expect(await shipment(ids.person)).toMatchObject({
        status: "Order_Completed",
        recipients: [{ type: "Email", destination: "kari.nordmann@example.com", status: "Email_Delivered" }],
      });
      expect(await shipment(ids.organization)).toMatchObject({
        status: "Order_Completed",
        recipients: [{ type: "Email", destination: "postmottak@example.org", status: "Email_Delivered" }],
      });
      expect(outboxFor((m) => m.to === "plain@example.net")).toHaveLength(1);
      expect(outboxFor((m) => m.to === "+4798765432")).toHaveLength(1);
      expect(outboxFor((m) => m.to === "kari.nordmann@example.com")).toHaveLength(1);
      const [orgMail] = outboxFor((m) => m.to === "postmottak@example.org");
      expect(orgMail).toMatchObject({ subject: "Til Prøvekommunen" });
      expect(outboxFor((m) => m.to === "postmottak@example.org")).toHaveLength(1);
    });

    it("sends nothing to a reserved person and completes the order at once", async () => {
      const before = service.outbox.list().length;
      const id = await order({
        recipientPerson: {
          nationalIdentityNumber: "24926810061",
          channelSchema: "Sms",
          smsSettings: sms("Never"),
        },
      });
      await service.settle();
      expect(await shipment(id)).toMatchObject({
        status: "Order_Completed",
        recipients: [{ type: "SMS", destination: "", status: "SMS_Failed_RecipientReserved" }],
      });
      expect(service.outbox.list()).toHaveLength(before);
    });

    it("replaces keywords with the register's name and never with a national identity number", async () => {
      const id = await order({
        recipientPerson: {
          nationalIdentityNumber: "02879110001",
          channelSchema: "Sms",
          smsSettings: sms("Hei $recipientName$ ($recipientNumber$)"),
        },
      });
      await service.settle();
      expect((await shipment(id)).status).toBe("Order_Completed");
      const [message] = outboxFor((m) => m.to === "+4741000002");
      expect(message?.body).toBe("Hei Ola Nordmann ()");
    });

    it("stops an order whose send condition answers false, and sends one whose condition answers true", async () => {
      const stopped = await order(
        { recipientEmail: { emailAddress: "stopped@example.net", emailSettings: email("Stopped") } },
        { conditionEndpoint: `${conditionUrl}/no` },
      );
      const sent = await order(
        { recipientEmail: { emailAddress: "allowed@example.net", emailSettings: email("Allowed") } },
        { conditionEndpoint: `${conditionUrl}/yes` },
      );
      await service.settle();
      expect((await shipment(stopped)).status).toBe("Order_SendConditionNotMet");
      expect(outboxFor((m) => m.to === "stopped@example.net")).toHaveLength(0);
      expect((await shipment(sent)).status).toBe("Order_Completed");
      expect(outboxFor((m) => m.to === "allowed@example.net")).toHaveLength(1);
    });

    it("sends a reminder at its own time, as its own shipment", async () => {
      sequence += 1;
      const response = await api.request("POST", "/future/orders", {
        idempotencyId: `e2e-reminder-${options.duplicateDelivery}`,
        recipient: { recipientEmail: { emailAddress: "first@example.net", emailSettings: email("First") } },
        reminders: [
          {
            delayDays: 2,
            recipient: {
              recipientEmail: { emailAddress: "first@example.net", emailSettings: email("Reminder") },
            },
          },
        ],
      });
      expect(response.status).toBe(201);
      const receipt = response.body as {
        notification: { shipmentId: string; reminders: Array<{ shipmentId: string }> };
      };
      const reminderId = receipt.notification.reminders[0]!.shipmentId;
      await service.settle();
      expect((await shipment(receipt.notification.shipmentId)).status).toBe("Order_Completed");
      expect((await shipment(reminderId)).status).toBe("Order_Registered");

      service.clock.advance(2 * 24 * 3_600_000);
      await service.host.runTimer("sweepOrders");
      await service.settle();
      expect((await shipment(reminderId)).status).toBe("Order_Completed");
      expect(
        outboxFor((m) => m.to === "first@example.net").map(
          (m) => (m as unknown as { subject: string }).subject,
        ),
      ).toEqual(["First", "Reminder"]);
    });

    it("printed no national identity number, phone number or email address the suite used", () => {
      // The register and this file's source hold every identifier and address the scenarios sent or looked up.
      const used = personalDataIn([readFileSync(__filename, "utf8"), JSON.stringify(sampleRegistry)]);
      expect(used.length).toBeGreaterThan(20);
      expect(output.text().length).toBeGreaterThan(0);
      expect(leaksIn(output.text(), used)).toEqual([]);
    });
  });
}
