/**
 * Provider calls as an operator sees them: the LINK adapter against a local HTTP server that throttles (429)
 * or fails (503), wrapped as assembleDependencies wraps it; the failure counter and the client span name the status.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metrics, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcsEmailSender } from "../../shared/adapters/acs/acsEmailSender";
import { LinkSmsSender } from "../../shared/adapters/link/linkSmsSender";
import { isAppError } from "../../shared/errors";
import { startFakeAcs } from "../../shared/local/fakeAcs";
import { Outbox } from "../../shared/local/outbox";
import { tracedEmailSender, tracedSmsSender } from "../../shared/telemetry/instrumentedPorts";
import { collectMetrics } from "../support/metricPoints";

let points: ReturnType<typeof collectMetrics>;
const spans = new InMemorySpanExporter();
let server: Server;
let url: string;
let nextStatus = 429;

beforeAll(async () => {
  points = collectMetrics();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(nextStatus, { "retry-after": "7" }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  metrics.disable();
  trace.disable();
  await new Promise((resolve) => server.close(resolve));
});

async function failures(): Promise<Array<Record<string, unknown>>> {
  return (await points("varsel.provider.failures")).map((p) => ({ ...p.attributes, count: p.value }));
}

describe("a throttled or failing provider", () => {
  const sender = () =>
    tracedSmsSender(
      new LinkSmsSender({ url, username: "varsel", password: "secret", defaultSender: "Varsel" }),
    );
  const sms = () => ({
    notificationId: randomUUID(),
    sender: "Varsel",
    to: "+4799999999",
    body: "Hei",
    timeToLiveSeconds: 3600,
  });

  it("counts a 429 and a 503 by status, and marks the client span failed with the status", async () => {
    nextStatus = 429;
    const throttled = await sender()
      .send(sms())
      .catch((e: unknown) => e);
    expect(isAppError(throttled, "transient")).toBe(true);
    nextStatus = 503;
    await sender()
      .sendMany([sms(), sms()])
      .catch(() => undefined);

    expect(await failures()).toEqual(
      expect.arrayContaining([
        { "varsel.provider": "link", "error.type": "transient", "http.response.status_code": 429, count: 1 },
        { "varsel.provider": "link", "error.type": "transient", "http.response.status_code": 503, count: 1 },
      ]),
    );
    const [single, batch] = spans.getFinishedSpans();
    expect(single?.name).toBe("LINK send SMS");
    expect(single?.attributes["http.response.status_code"]).toBe(429);
    expect(single?.attributes["error.type"]).toBe("transient");
    expect(batch?.name).toBe("LINK send SMS batch");
    expect(batch?.attributes["messaging.batch.message_count"]).toBe(2);
    // The recipient's number is nowhere on the spans.
    expect(JSON.stringify(spans.getFinishedSpans().map((s) => s.attributes))).not.toContain("99999999");
  });
});

describe("a throttling ACS", () => {
  it("counts its 429 under the acs provider with the status, as the provider alert's query reads it", async () => {
    // One send a second, the clock standing still: the second send is refused.
    const acs = await startFakeAcs({
      outbox: new Outbox(),
      rateLimitPerSecond: 1,
      now: () => new Date("2026-12-04T10:00:00.000Z"),
    });
    try {
      const sender = tracedEmailSender(
        new AcsEmailSender({
          endpoint: acs.endpoint,
          accessKey: acs.accessKey,
          allowInsecureConnection: true,
        }),
      );
      const send = () =>
        sender.send({
          notificationId: randomUUID(),
          from: "noreply@varsel.example",
          to: "kari.nordmann@example.no",
          subject: "Vedtak",
          body: "Du har fått et vedtak.",
          contentType: "Plain",
        });
      expect((await send()).outcome).toBe("accepted");
      await expect(send()).rejects.toSatisfy((e: unknown) => isAppError(e, "transient"));
    } finally {
      await acs.close();
    }
    expect(await failures()).toContainEqual({
      "varsel.provider": "acs",
      "error.type": "transient",
      "http.response.status_code": 429,
      count: 1,
    });
    const throttled = spans.getFinishedSpans().filter((s) => s.name === "ACS send email");
    expect(throttled.map((s) => s.attributes["http.response.status_code"])).toEqual([undefined, 429]);
    expect(JSON.stringify(throttled.map((s) => s.attributes))).not.toContain("kari.nordmann");
  });
});
