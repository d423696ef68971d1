/**
 * host.json against the queues and the code: a message's lock must outlive the longest invocation, the
 * broker's redelivery must fit the recovery times the pipeline relies on, and every app setting a binding or
 * connection names must be one the Function App gets.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { abandonedSendMs, releaseLeaseMs } from "../../shared/domain/recoveryTimes";
import { loadRegistrations, type FunctionRegistration } from "../../shared/local/host/registrations";
import { readProjectLayout } from "../../shared/local/host/projectLayout";
import { queues } from "../../shared/platform/resources";
import { asArray, asObject, parseTemplate, plain, projectRoot } from "./bicep";

interface HostJson {
  functionTimeout?: string;
  extensions?: {
    serviceBus?: {
      maxConcurrentCalls?: number;
      autoCompleteMessages?: boolean;
      maxAutoLockRenewalDuration?: string;
      prefetchCount?: number;
    };
  };
  retry?: unknown;
}

/** `hh:mm:ss` (host.json) or an ISO 8601 duration such as `PT5M` (Service Bus), in milliseconds. */
export function durationMs(text: string): number {
  const clock = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text);
  if (clock) {
    const [, days = "0", h = "0", m = "0", s = "0"] = clock;
    return (((Number(days) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  }
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (iso && text !== "P" && !text.endsWith("T")) {
    const [, d = "0", h = "0", m = "0", s = "0"] = iso;
    return (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  }
  throw new Error(`not a duration: ${text}`);
}

/** What is wrong with host.json for these queues; empty when the settings hold together. */
export function hostProblems(
  host: HostJson,
  queueList: { name: string; lockDuration: string; maxDeliveryCount: number }[],
): string[] {
  const problems: string[] = [];
  const serviceBus = host.extensions?.serviceBus ?? {};
  if (!host.functionTimeout)
    return ["host.json sets no functionTimeout (Flex Consumption would allow 30 minutes)"];
  const timeout = durationMs(host.functionTimeout);
  // Functions' default for maxAutoLockRenewalDuration is 5 minutes.
  const renewal = durationMs(serviceBus.maxAutoLockRenewalDuration ?? "00:05:00");
  if (renewal < timeout)
    problems.push(
      `maxAutoLockRenewalDuration ${serviceBus.maxAutoLockRenewalDuration ?? "(default 00:05:00)"} is shorter than functionTimeout ${host.functionTimeout}: an invocation that runs longer loses its lock and the message is delivered again while it still runs`,
    );
  if (serviceBus.autoCompleteMessages !== true)
    problems.push(
      "autoCompleteMessages must be true: the queue handlers never complete a message themselves",
    );
  if ((serviceBus.prefetchCount ?? 0) !== 0)
    problems.push(
      `prefetchCount ${serviceBus.prefetchCount}: prefetched messages hold locks that run out before they are processed`,
    );
  if (host.retry !== undefined)
    problems.push(
      "host.json retry does not apply to Service Bus triggers; redelivery is maxDeliveryCount's job",
    );
  for (const queue of queueList) {
    const lock = durationMs(queue.lockDuration);
    if (lock > 5 * 60_000)
      problems.push(`${queue.name}: lockDuration ${queue.lockDuration} exceeds Service Bus's 5 minutes`);
    if (lock < 30_000)
      problems.push(
        `${queue.name}: lockDuration ${queue.lockDuration} is shorter than the 30 s the lock renewal needs to act in time`,
      );
    if (queue.maxDeliveryCount < 2)
      problems.push(`${queue.name}: maxDeliveryCount ${queue.maxDeliveryCount} allows no redelivery`);
  }
  return problems;
}

const host = JSON.parse(readFileSync(join(projectRoot, "host.json"), "utf8")) as HostJson;
const queueList = Object.values(queues);

describe("host.json holds together with the queues' lockDuration and maxDeliveryCount", () => {
  it("keeps every message locked for as long as an invocation may run, and leaves redelivery to the broker", () => {
    const problems = hostProblems(host, queueList);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("reports a lock renewal shorter than the function timeout (the 5-minute renewal of a 10-minute timeout)", () => {
    const broken = {
      ...host,
      extensions: {
        ...host.extensions,
        serviceBus: { ...host.extensions?.serviceBus, maxAutoLockRenewalDuration: "00:05:00" },
      },
    };
    expect(hostProblems(broken, queueList).join("\n")).toMatch(/shorter than functionTimeout/);
    const defaulted = {
      ...host,
      extensions: { ...host.extensions, serviceBus: { maxConcurrentCalls: 16, autoCompleteMessages: true } },
    };
    expect(hostProblems(defaulted, queueList).join("\n")).toMatch(/\(default 00:05:00\) is shorter/);
    expect(
      hostProblems(
        { ...host, extensions: { serviceBus: { ...host.extensions?.serviceBus, prefetchCount: 100 } } },
        queueList,
      ).join("\n"),
    ).toMatch(/prefetchCount 100/);
    expect(hostProblems(host, [{ name: "q", lockDuration: "PT6M", maxDeliveryCount: 1 }]).join("\n")).toMatch(
      /exceeds.*\n.*allows no redelivery/,
    );
  });

  it("the sweeper does not take back a released order while its process-order invocation may still run", () => {
    expect(releaseLeaseMs).toBeGreaterThanOrEqual(durationMs(host.functionTimeout!));
  });

  it("a send abandoned mid-way is taken again only after its queue lock has expired and a redelivery had its chance", () => {
    for (const queue of [queues.sendEmail, queues.sendSms])
      expect(abandonedSendMs, queue.name).toBeGreaterThan(durationMs(queue.lockDuration));
  });

  it("targets as many messages per instance as it runs at once (maxConcurrentCalls; the target-based scaler divides by it)", () => {
    const calls = host.extensions?.serviceBus?.maxConcurrentCalls;
    expect(calls).toBeGreaterThanOrEqual(1);
    const layout = readProjectLayout(projectRoot);
    expect(layout.maxConcurrentCalls).toBe(calls);
  });

  it("parses both duration notations", () => {
    expect(durationMs("00:10:00")).toBe(600_000);
    expect(durationMs("1.00:00:00")).toBe(86_400_000);
    expect(durationMs("PT5M")).toBe(300_000);
    expect(durationMs("PT1M30S")).toBe(90_000);
    expect(() => durationMs("5 minutes")).toThrow();
  });
});

describe("Every app setting the compiled functions name is one the Function App gets", () => {
  const functionApp = parseTemplate("infra/app/function-app.bicep");
  const appSettings = Object.keys(asObject(functionApp.vars.get("appSettings"), "appSettings"));
  const bicepQueues = asArray(parseTemplate("infra/app/service-bus.bicep").vars.get("queues"), "queues").map(
    (q) => (plain(q) as { name: string }).name,
  );
  let registrations: FunctionRegistration[];

  beforeAll(() => {
    const layout = readProjectLayout(projectRoot);
    if (layout.registrationFiles.length === 0 || !layout.registrationFiles.every(existsSync))
      throw new Error("dist/functions is missing: run `npm run build` (npm test does)");
    registrations = loadRegistrations(layout.registrationFiles);
  });

  it("resolves every %SETTING% in a binding (timer schedules) from an app setting", () => {
    const named = registrations.flatMap((r) =>
      Object.values(r.bindings).flatMap((b) =>
        Object.values(b)
          .filter((v): v is string => typeof v === "string")
          .flatMap((v) => [...v.matchAll(/%([^%]+)%/g)].map((m) => m[1]!)),
      ),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const setting of named) expect(appSettings, `%${setting}%`).toContain(setting);
  });

  it("gives every trigger connection its identity-based settings, and every trigger queue exists", () => {
    const triggers = registrations.filter((r) => r.trigger.type === "serviceBusTrigger");
    expect(triggers.length).toBeGreaterThan(0);
    for (const r of triggers) {
      const connection = r.trigger.connection ?? "AzureWebJobsServiceBus";
      expect(appSettings, r.name).toContain(`${connection}__fullyQualifiedNamespace`);
      expect(appSettings, r.name).toContain(`${connection}__credential`);
      expect(appSettings, r.name).toContain(`${connection}__clientId`);
      expect(bicepQueues, r.name).toContain(r.trigger.queueName);
    }
  });
});
