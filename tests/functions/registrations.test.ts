import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { operations } from "../../shared/http/openapi";
import { loadRegistrations, type FunctionRegistration } from "../../shared/local/host/registrations";
import { readProjectLayout } from "../../shared/local/host/projectLayout";
import { queues, serviceBusConnection } from "../../shared/platform/resources";

const projectRoot = join(__dirname, "..", "..");
let registrations: FunctionRegistration[];

beforeAll(() => {
  const layout = readProjectLayout(projectRoot);
  if (!layout.registrationFiles.every(existsSync) || layout.registrationFiles.length === 0) {
    throw new Error("dist/functions is missing: run `npm run build` (npm test does)");
  }
  registrations = loadRegistrations(layout.registrationFiles);
});

const byName = (name: string) => registrations.find((r) => r.name === name);

describe("the compiled registration files (package.json main)", () => {
  it("register every HTTP route the OpenAPI document describes, and nothing undocumented", () => {
    const http = registrations.filter((r) => r.trigger.type === "httpTrigger");
    const registered = http
      .flatMap((r) => (r.trigger.methods ?? []).map((m) => `${m.toUpperCase()} ${r.trigger.route}`))
      .sort();
    const documented = operations.map((o) => `${o.method.toUpperCase()} ${o.route}`).sort();
    expect(registered).toEqual(documented);
    for (const r of http) expect(r.trigger.authLevel).toBe("anonymous");
  });

  it("bind every queue trigger to a declared queue through the identity-based connection", () => {
    const queueTriggers = registrations.filter((r) => r.trigger.type === "serviceBusTrigger");
    expect(queueTriggers.map((r) => [r.name, r.trigger.queueName]).sort()).toEqual(
      [
        ["applyDeliveryReport", queues.deliveryReports.name],
        ["processOrder", queues.processOrder.name],
        ["sendEmail", queues.sendEmail.name],
        ["sendSms", queues.sendSms.name],
        ["processOrderBulk", queues.processOrderBulk.name],
        ["sendEmailBulk", queues.sendEmailBulk.name],
        ["sendSmsBulk", queues.sendSmsBulk.name],
      ].sort(),
    );
    for (const r of queueTriggers) expect(r.trigger.connection).toBe(serviceBusConnection);
  });

  it("schedule the timers from app settings, so operators can change them without a deploy", () => {
    expect(byName("sweepOrders")?.trigger).toMatchObject({
      type: "timerTrigger",
      schedule: "%SWEEP_SCHEDULE%",
    });
    expect(byName("terminateExpired")?.trigger).toMatchObject({
      type: "timerTrigger",
      schedule: "%TERMINATE_SCHEDULE%",
    });
  });
});
