import { get } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { LocalBroker, maxDeliveryCountExceeded } from "../../shared/local/broker/localBroker";
import { startFunctionsHost, type FunctionsHost } from "../../shared/local/host/functionsHost";
import { gate, ManualClock, testQueues } from "./manualClock";

interface Probe {
  reset(): void;
  uploads: number;
  timerRuns: Array<{ timer: { isPastDue: boolean; scheduleStatus: { next: string } }; functionName: string }>;
  timerActive: number;
  timerMaxActive: number;
  timerGate: Promise<void> | undefined;
  deliveries: Array<{ function: string; message: unknown; metadata: Record<string, unknown> }>;
  batches: unknown[][];
  batchActive: number;
  batchMaxActive: number;
  batchGate: Promise<void> | undefined;
}

const fixtureRoot = join(__dirname, "fixtures");
// The same native require the fixture files use, so both sides share one probe object.
const probe = createRequire(join(fixtureRoot, "package.json"))("./probe.js") as Probe;
const settings: Record<string, string> = {
  RELEASE_SCHEDULE: "0 */5 * * * *",
  PROCESS_ORDER_QUEUE: "process-order",
};
const guid = "0f8fad5b-d9cb-469f-a165-70867728950e";

let host: FunctionsHost;
let clock: ManualClock;
const logLines: string[] = [];

beforeAll(async () => {
  clock = new ManualClock();
  host = await startFunctionsHost({
    projectRoot: fixtureRoot,
    broker: new LocalBroker({ clock, queues: testQueues, timers: false }),
    clock,
    resolveSetting: (name) => settings[name],
    startTimers: false,
    logger: (_level, line) => logLines.push(line),
    extraRoutes: [
      {
        method: "GET",
        path: "/.local/ping",
        handler: (_request, response) => {
          response.writeHead(200, { "content-type": "text/plain" });
          response.end("pong");
        },
      },
    ],
  });
});

afterAll(async () => {
  await host.close();
});

beforeEach(() => {
  probe.reset();
  logLines.length = 0;
});

describe("registrations", () => {
  it("When the host starts, then it loads every file named by package.json main with its bindings", () => {
    const byName = Object.fromEntries(host.registrations.map((r) => [r.name, r.trigger]));

    expect(Object.keys(byName).sort()).toEqual(
      [
        "applyDeliveryReport",
        "crash",
        "echo",
        "files",
        "pages",
        "processOrder",
        "releaseDue",
        "sendSms",
        "shipmentById",
        "shipmentFeed",
        "teapot",
        "upload",
      ].sort(),
    );
    expect(byName.echo).toMatchObject({
      type: "httpTrigger",
      route: "echo/{name}",
      methods: ["POST"],
      authLevel: "anonymous",
    });
    expect(byName.releaseDue).toMatchObject({ type: "timerTrigger", schedule: "%RELEASE_SCHEDULE%" });
    expect(byName.processOrder).toMatchObject({
      type: "serviceBusTrigger",
      queueName: "%PROCESS_ORDER_QUEUE%",
      connection: "ServiceBusConnection",
    });
  });
});

describe("HTTP triggers", () => {
  it("When a JSON body is posted to a route with a parameter, then the handler gets it and answers JSON", async () => {
    const response = await fetch(`${host.apiUrl}/echo/ada?tag=x`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ greeting: "hei", list: [1, 2] }),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    const echoed = await response.json();
    expect(echoed).toMatchObject({
      name: "ada",
      body: { greeting: "hei", list: [1, 2] },
      tag: "x",
      method: "POST",
      functionName: "echo",
    });
    // The log line names the invocation by its whole id, which a log reader can match to its telemetry.
    const { invocationId } = z.object({ invocationId: z.uuid() }).parse(echoed);
    expect(
      logLines.some((line) => line.includes(`echo (${invocationId})`) && line.includes("echoing ada")),
    ).toBe(true);
  });

  it("When a literal route and a guid route share a prefix, then the literal wins and the guid still routes", async () => {
    const feed = await fetch(`${host.apiUrl}/future/shipment/feed`);
    const byId = await fetch(`${host.apiUrl}/future/shipment/${guid}`);
    const notAGuid = await fetch(`${host.apiUrl}/future/shipment/not-a-guid`);

    expect(await feed.json()).toEqual({ handler: "feed" });
    expect(await byId.json()).toEqual({ handler: "byId", id: guid });
    expect(notAGuid.status).toBe(404);
  });

  it("When a route exists but not for the method, then the answer is 405 with Allow", async () => {
    const response = await fetch(`${host.apiUrl}/future/shipment/feed`, { method: "DELETE" });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("When no route fits, or the prefix is missing, then the answer is a 404 problem", async () => {
    const unknown = await fetch(`${host.apiUrl}/nothing/here`);
    const outsidePrefix = await fetch(`${host.url}/future/shipment/feed`);

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ title: "Not Found", status: 404 });
    expect(outsidePrefix.status).toBe(404);
  });

  it("When optional and catch-all parameters are used, then both forms route", async () => {
    const read = async (path: string) => (await fetch(`${host.apiUrl}${path}`)).json();

    expect(await read("/files/a/b%20c.txt")).toEqual({ path: "a/b c.txt" });
    expect(await read("/files")).toEqual({ path: null });
    expect(await read("/pages/7")).toEqual({ page: "7" });
    expect(await read("/pages")).toEqual({ page: null });
  });

  it("When the body is larger than 4 MiB, then the answer is 413 and the handler never runs", async () => {
    const tooLarge = await fetch(`${host.apiUrl}/upload`, {
      method: "PUT",
      body: new Uint8Array(4 * 1024 * 1024 + 1),
    });
    const justFits = await fetch(`${host.apiUrl}/upload`, {
      method: "PUT",
      body: new Uint8Array(4 * 1024 * 1024),
    });

    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ status: 413 });
    expect(justFits.status).toBe(200);
    expect(await justFits.text()).toBe(`received ${4 * 1024 * 1024} bytes`);
    expect(justFits.headers.get("x-upload")).toBe("yes");
    expect(probe.uploads).toBe(1);
  });

  it("When a handler returns bytes, a custom status and cookies, then all reach the client", async () => {
    const response = await fetch(`${host.apiUrl}/teapot`);

    expect(response.status).toBe(418);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.getSetCookie()).toEqual(["session=abc; Path=/; HttpOnly"]);
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe("hi");
  });

  it("When a handler throws, then the answer is a 500 problem, the error is logged, and the host keeps serving", async () => {
    const crashed = await fetch(`${host.apiUrl}/crash`);
    const next = await fetch(`${host.apiUrl}/future/shipment/feed`);

    expect(crashed.status).toBe(500);
    expect(crashed.headers.get("content-type")).toBe("application/problem+json");
    expect(await crashed.json()).toEqual({
      type: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
      title: "Internal Server Error",
      status: 500,
    });
    expect(
      logLines.some((line) => line.includes("[error] crash: unhandled error") && line.includes("boom")),
    ).toBe(true);
    expect(next.status).toBe(200);
  });

  it("When a client asks for keep-alive, then the connection is kept open", async () => {
    const connectionHeader = await new Promise<string | undefined>((resolve, reject) => {
      get(`${host.apiUrl}/future/shipment/feed`, { headers: { connection: "keep-alive" } }, (response) => {
        response.resume();
        resolve(response.headers.connection);
      }).on("error", reject);
    });

    expect(connectionHeader).toBe("keep-alive");
  });

  it("When an extra route is configured, then it is served outside the route prefix", async () => {
    const response = await fetch(`${host.url}/.local/ping`);

    expect(await response.text()).toBe("pong");
  });
});

describe("timer triggers", () => {
  it("When runTimer is called, then the handler runs once with timer info", async () => {
    await host.runTimer("releaseDue");

    expect(probe.timerRuns).toEqual([
      {
        functionName: "releaseDue",
        timer: expect.objectContaining({
          isPastDue: false,
          scheduleStatus: expect.objectContaining({ next: "2025-01-01T00:05:00.000Z" }),
        }),
      },
    ]);
  });

  it("When runs are requested while one is in progress, then they wait and never overlap", async () => {
    const hold = gate();
    probe.timerGate = hold.promise;

    const first = host.runTimer("releaseDue");
    const second = host.runTimer("releaseDue");
    const third = host.runTimer("releaseDue");
    await Promise.resolve();
    expect(probe.timerActive).toBe(1);
    hold.open();
    await Promise.all([first, second, third]);

    expect(probe.timerMaxActive).toBe(1);
    expect(probe.timerRuns).toHaveLength(2);
  });

  it("When the timer name is unknown, then runTimer throws", () => {
    expect(() => host.runTimer("nope")).toThrow(/no timer function named "nope"/);
  });
});

describe("Service Bus triggers", () => {
  it("When a delivery fails, then the message comes back with a higher deliveryCount and the body as an object", async () => {
    await host.broker.publish("processOrder", [
      { messageId: "order-1", body: { orderId: "o-1" }, correlationId: "o-1" },
    ]);
    await host.broker.whenIdle();

    expect(probe.deliveries.map((d) => [d.message, d.metadata.deliveryCount])).toEqual([
      [{ orderId: "o-1" }, 1],
      [{ orderId: "o-1" }, 2],
    ]);
    expect(probe.deliveries[1]?.metadata).toMatchObject({
      messageId: "order-1",
      correlationId: "o-1",
      enqueuedTimeUtc: clock.now().toISOString(),
    });
    expect(host.broker.peek("process-order")).toEqual([]);
    expect(
      logLines.some((line) => line.includes("processOrder") && line.includes("failed on delivery 1")),
    ).toBe(true);
  });

  it("When every delivery fails, then the message is dead-lettered after maxDeliveryCount", async () => {
    await host.broker.publish("sendSms", [{ messageId: "sms-1", body: { to: "+4799999999" } }]);
    await host.broker.whenIdle();

    expect(probe.deliveries.map((d) => d.metadata.deliveryCount)).toEqual([1, 2, 3]);
    expect(host.broker.deadLetters("send-sms")).toEqual([
      expect.objectContaining({ messageId: "sms-1", deadLetterReason: maxDeliveryCountExceeded }),
    ]);
  });

  it("When a message is scheduled, then it is not delivered before the clock reaches it", async () => {
    const due = new Date(clock.now().getTime() + 10 * 60_000);
    await host.broker.publish("processOrder", [
      { messageId: "order-2", body: { orderId: "o-2" }, scheduledEnqueueTime: due },
    ]);

    await host.broker.whenIdle();
    expect(probe.deliveries).toEqual([]);

    clock.advance(10 * 60_000);
    await host.broker.whenIdle();
    expect(probe.deliveries.map((d) => d.metadata.deliveryCount)).toEqual([1, 2]);
  });

  it("When messages reach a batch trigger while a batch is running, then they wait and arrive as the next batch", async () => {
    const hold = gate();
    probe.batchGate = hold.promise;
    try {
      await host.broker.publish("deliveryReports", [{ messageId: "report-1", body: { n: 1 } }]);
      for (const n of [2, 3, 4, 5])
        await host.broker.publish("deliveryReports", [{ messageId: `report-${n}`, body: { n } }]);
      expect(probe.batches).toEqual([[{ n: 1 }]]);
    } finally {
      hold.open();
    }
    await host.broker.whenIdle();
    // As the Service Bus extension's batch receive loop: one batch at a time per function, whatever
    // maxConcurrentCalls (4 in this host.json) allows single-message triggers.
    expect(probe.batchMaxActive).toBe(1);
    expect(probe.batches).toEqual([[{ n: 1 }], [{ n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]]);
  });

  it("When the same message id is published twice, then it is delivered once", async () => {
    await host.broker.publish("processOrder", [{ messageId: "order-3", body: { n: 1 } }]);
    await host.broker.publish("processOrder", [{ messageId: "order-3", body: { n: 2 } }]);
    await host.broker.whenIdle();

    expect(probe.deliveries.map((d) => d.message)).toEqual([{ n: 1 }, { n: 1 }]);
  });
});
