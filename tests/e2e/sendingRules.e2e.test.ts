import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { startConditionEndpoint, type ConditionEndpoint } from "../support/conditionEndpoint";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

let service: LocalService;
let api: ApiClient;
let condition: ConditionEndpoint;
let conditionUrl: string;

beforeAll(async () => {
  service = await startCompiledService();
  api = apiClient(service.host.apiUrl, await localToken("991825827"));
  condition = await startConditionEndpoint();
  conditionUrl = condition.url;
});
afterAll(async () => {
  await service?.close();
  await condition?.close();
});

let sequence = 0;
async function order(body: Record<string, unknown>) {
  sequence += 1;
  const response = await api.request("POST", "/future/orders", {
    idempotencyId: `rules-${sequence}`,
    ...body,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { notification: { shipmentId: string; reminders?: Array<{ shipmentId: string }> } };
}

async function statusOf(shipmentId: string): Promise<string> {
  return ((await api.request("GET", `/future/shipment/${shipmentId}`)).body as { status: string }).status;
}

const sentTo = (address: string) => service.outbox.list().filter((m) => m.to === address);
const daytimeSms = (phoneNumber: string) => ({
  recipient: { recipientSms: { phoneNumber, smsSettings: { body: "Daytime only" } } },
});

async function at(instant: string) {
  service.clock.freeze(instant);
  await service.settle();
}

describe("the daytime window, on the local clock", () => {
  it("holds an SMS ordered on a Saturday evening until Monday 09:00 in Oslo", async () => {
    await at("2026-11-21T20:00:00+01:00");
    await order(daytimeSms("+4790000001"));
    await service.settle();
    await at("2026-11-23T07:59:59Z");
    expect(sentTo("+4790000001")).toHaveLength(0);
    await at("2026-11-23T08:00:00Z");
    expect(sentTo("+4790000001")).toHaveLength(1);
  });

  it("skips Easter: an SMS ordered on Maundy Thursday evening goes out on the Tuesday after Easter Monday", async () => {
    await at("2026-04-02T18:00:00+02:00");
    await order(daytimeSms("+4790000002"));
    await service.settle();
    await at("2026-04-07T06:59:59Z");
    expect(sentTo("+4790000002")).toHaveLength(0);
    await at("2026-04-07T07:00:00Z");
    expect(sentTo("+4790000002")).toHaveLength(1);
  });

  it("sends an Anytime SMS at once, even on Christmas Eve night", async () => {
    await at("2026-12-24T23:30:00+01:00");
    await order({
      recipient: {
        recipientSms: {
          phoneNumber: "+4790000003",
          smsSettings: { body: "Now", sendingTimePolicy: "Anytime" },
        },
      },
    });
    await service.settle();
    expect(sentTo("+4790000003")).toHaveLength(1);
  });
});

describe("send conditions and reminders", () => {
  const email = (emailAddress: string) => ({
    recipientEmail: { emailAddress, emailSettings: { subject: "Conditional", body: "Body" } },
  });

  it("retries a failing condition once after a minute, then follows the order's policy", async () => {
    await at("2026-11-25T10:00:00+01:00");
    const skipped = await order({
      recipient: email("skip@example.net"),
      conditionEndpoint: `${conditionUrl}/broken`,
      conditionFailurePolicy: "skip",
    });
    const sent = await order({
      recipient: email("send@example.net"),
      conditionEndpoint: `${conditionUrl}/broken`,
    });
    await service.settle();
    expect(await statusOf(skipped.notification.shipmentId)).toBe("Order_Processing");
    await at("2026-11-25T10:01:00+01:00");
    expect(await statusOf(skipped.notification.shipmentId)).toBe("Order_SendConditionNotMet");
    expect(sentTo("skip@example.net")).toHaveLength(0);
    expect(await statusOf(sent.notification.shipmentId)).toBe("Order_Completed");
    expect(sentTo("send@example.net")).toHaveLength(1);
  });

  it("fires a reminder only when its own condition says so", async () => {
    await at("2026-11-26T10:00:00+01:00");
    const receipt = await order({
      recipient: email("main@example.net"),
      reminders: [
        {
          delayDays: 1,
          conditionEndpoint: `${conditionUrl}/no`,
          recipient: email("not-reminded@example.net"),
        },
        { delayDays: 1, conditionEndpoint: `${conditionUrl}/yes`, recipient: email("reminded@example.net") },
      ],
    });
    await service.settle();
    const [skipped, fired] = receipt.notification.reminders!;
    expect(await statusOf(skipped!.shipmentId)).toBe("Order_Registered");
    await at("2026-11-27T10:00:00+01:00");
    await service.host.runTimer("sweepOrders");
    await service.settle();
    expect(await statusOf(skipped!.shipmentId)).toBe("Order_SendConditionNotMet");
    expect(await statusOf(fired!.shipmentId)).toBe("Order_Completed");
    expect(sentTo("not-reminded@example.net")).toHaveLength(0);
    expect(sentTo("reminded@example.net")).toHaveLength(1);
    expect(sentTo("main@example.net")).toHaveLength(1);
  });
});
