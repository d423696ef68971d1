import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

let service: LocalService;
let api: ApiClient;
let other: ApiClient;

beforeAll(async () => {
  service = await startCompiledService();
  api = apiClient(service.host.apiUrl, await localToken("991825827"));
  other = apiClient(service.host.apiUrl, await localToken("987654325"));
});
afterAll(async () => {
  await service?.close();
});

const email = (subject: string, body: string) => ({ subject, body });

describe("an order by template through the local service", () => {
  it("reaches the outbox in the recipient's preferred language from the register, with keywords", async () => {
    const created = await api.request("POST", "/future/templates", {
      name: "case-update",
      email: {
        nb: email("Ny melding", "Hei $recipientName$"),
        nn: email("Ny melding til deg", "Hei $recipientName$, du har fått ei melding"),
        en: email("New message", "Hello $recipientName$"),
      },
    });
    expect(created.status).toBe(201);
    const order = await api.request("POST", "/future/orders", {
      idempotencyId: "template-e2e-1",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: "30859910013",
          channelSchema: "Email",
          template: { name: "case-update" },
        },
      },
    });
    expect(order.status).toBe(201);
    await service.settle();
    const [mail] = service.outbox.list().filter((m) => m.to === "ingrid.epost@example.org");
    expect(mail).toMatchObject({
      subject: "Ny melding til deg",
      body: "Hei Ingrid Epost, du har fått ei melding",
    });
  });

  it("refuses another organisation's, an unknown and a retired template at the field that names it", async () => {
    const byOther = await other.request("POST", "/future/orders", {
      idempotencyId: "template-e2e-2",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: "30859910013",
          channelSchema: "Email",
          template: { name: "case-update" },
        },
      },
    });
    expect(byOther.status).toBe(400);
    expect(byOther.body).toMatchObject({
      errors: { "recipient.recipientPerson.template.name": ["The template case-update does not exist."] },
    });
    expect((await other.request("GET", "/future/templates/case-update")).status).toBe(404);
    expect((await api.request("PUT", "/future/templates/case-update/retire")).status).toBe(200);
    const retired = await api.request("POST", "/future/orders", {
      idempotencyId: "template-e2e-3",
      recipient: {
        recipientPerson: {
          nationalIdentityNumber: "30859910013",
          channelSchema: "Email",
          template: { name: "case-update" },
        },
      },
    });
    expect(retired.body).toMatchObject({
      errors: { "recipient.recipientPerson.template.name": ["The template case-update is retired."] },
    });
  });
});
