/**
 * The LINK (PSWin XML) SMS adapter against the local gateway over real HTTP: what reaches the gateway,
 * how its answers map to outcomes, and the delivery report the gateway posts back.
 */
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LinkSmsSender } from "../../../shared/adapters/link/linkSmsSender";
import { deliveryReportAcknowledgementXml } from "../../../shared/adapters/link/pswinReport";
import { parseSmsDeliveryReport } from "../../../shared/adapters/link/smsDeliveryReport";
import { isAppError, type AppError } from "../../../shared/errors";
import type { SmsMessage } from "../../../shared/ports/smsSender";
import { startLocalLinkGateway, type LocalLinkGateway } from "../../../shared/local/linkGateway";
import { Outbox } from "../../../shared/local/outbox";

const gatewayCredentials = { username: "varsel", password: "gateway-secret" };
const reportCredentials = { username: "link-reports", password: "report-secret" };
const outbox = new Outbox();

interface ReceivedReport {
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** Our side of the report callback: records each POST and acknowledges it as the wiki describes. */
let reportReceiver: Server;
let reportArrived: (report: ReceivedReport) => void = () => {};
let gateway: LocalLinkGateway;
const acknowledgements: boolean[] = [];
/** Reports the receiver is answering right now, the most seen at once, and how long it takes to answer. */
const reportLoad = { inFlight: 0, peak: 0, answerDelayMs: 0 };

function sms(overrides: Partial<SmsMessage> = {}): SmsMessage {
  return {
    notificationId: randomUUID(),
    sender: "Varsel",
    to: "+4799999999",
    body: "Du har fått et vedtak.",
    timeToLiveSeconds: 48 * 3600,
    ...overrides,
  };
}

function sender(options: { url?: string; password?: string; timeoutMs?: number } = {}): LinkSmsSender {
  return new LinkSmsSender({
    url: options.url ?? gateway.url,
    username: gatewayCredentials.username,
    password: options.password ?? gatewayCredentials.password,
    defaultSender: "Varsel",
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

function nextReport(): Promise<ReceivedReport> {
  return new Promise((resolve) => (reportArrived = resolve));
}

async function transientFrom(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error, "transient")) throw new Error(`expected a transient AppError, got ${String(error)}`);
  return error;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  reportReceiver = createHttpServer((req, res) => {
    reportLoad.peak = Math.max(reportLoad.peak, ++reportLoad.inFlight);
    res.once("finish", () => reportLoad.inFlight--);
    void readBody(req).then(async (body) => {
      // A slow receiver, so that reports posted all at once are all in flight at once.
      if (reportLoad.answerDelayMs > 0) await new Promise((r) => setTimeout(r, reportLoad.answerDelayMs));
      const ids = parseSmsDeliveryReport(body, req.headers["content-type"]).length > 0 ? ["1"] : [];
      res.writeHead(200, { "content-type": "application/xml" }).end(deliveryReportAcknowledgementXml(ids));
      reportArrived({
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body,
      });
    });
  });
  await new Promise<void>((resolve) => reportReceiver.listen(0, "127.0.0.1", resolve));
  gateway = await startLocalLinkGateway({
    outbox,
    credentials: gatewayCredentials,
    deliveryReportUrl: `http://127.0.0.1:${(reportReceiver.address() as AddressInfo).port}/delivery-reports/sms`,
    reportCredentials,
    undeliverableSuffix: "000",
    reportRetryDelaysMs: [],
    onReportPosted: (attempt) => void acknowledgements.push(attempt.acknowledged),
  });
});
afterEach(async () => {
  await gateway.idle();
  outbox.clear();
  acknowledgements.length = 0;
  reportLoad.answerDelayMs = 0;
});
afterAll(async () => {
  await gateway.close();
  await new Promise<void>((resolve) => reportReceiver.close(() => resolve()));
});

describe("LinkSmsSender against the local PSWin gateway", () => {
  it("is accepted with the gateway reference, and the gateway's delivery report maps to Delivered", async () => {
    const report = nextReport();

    const outcome = await sender().send(sms());

    expect(outcome).toEqual({
      outcome: "accepted",
      gatewayReference: expect.stringMatching(/^[0-9A-F-]{36}$/),
    });
    const reference = outcome.outcome === "accepted" ? outcome.gatewayReference : "";
    expect(outbox.list("sms")).toMatchObject([
      { to: "+4799999999", from: "Varsel", body: "Du har fått et vedtak.", reference },
    ]);
    const received = await report;
    const basic = Buffer.from(`${reportCredentials.username}:${reportCredentials.password}`).toString(
      "base64",
    );
    expect(received.authorization).toBe(`Basic ${basic}`);
    expect(parseSmsDeliveryReport(received.body, received.contentType)).toMatchObject([
      { valid: true, gatewayReference: reference, result: "Delivered", deliveryTime: expect.any(String) },
    ]);
    await gateway.idle();
    expect(acknowledgements).toEqual([true]);
  });

  it("sends a batch in one call, each message with its own reference, and fails a bad receiver alone", async () => {
    const before = gateway.submissions().length;
    const outboxBefore = outbox.list("sms").length;
    const outcomes = await sender().sendMany([
      sms({ to: "+4791000001" }),
      sms({ to: "not a number" }),
      sms({ to: "+4791000003" }),
    ]);
    expect(outcomes).toEqual([
      { outcome: "accepted", gatewayReference: expect.stringMatching(/^[0-9A-F-]{36}$/) },
      { outcome: "failed", result: "Failed_InvalidRecipient" },
      { outcome: "accepted", gatewayReference: expect.stringMatching(/^[0-9A-F-]{36}$/) },
    ]);
    const references = outcomes.flatMap((o) => (o.outcome === "accepted" ? [o.gatewayReference] : []));
    expect(new Set(references).size).toBe(2);
    expect(gateway.submissions().length - before).toBe(2);
    expect(
      outbox
        .list("sms")
        .slice(outboxBefore)
        .map((m) => m.to),
    ).toEqual(["+4791000001", "+4791000003"]);
    await gateway.idle();
  });

  it("posts the reports of a large submission at most 8 at a time to a slow receiver", async () => {
    Object.assign(reportLoad, { peak: 0, answerDelayMs: 25 });
    const receivers = Array.from({ length: 40 }, (_, i) =>
      sms({ to: `+479200${String(i).padStart(4, "0")}` }),
    );

    const outcomes = await sender().sendMany(receivers);
    await gateway.idle();

    expect(outcomes.every((o) => o.outcome === "accepted")).toBe(true);
    expect(acknowledgements).toEqual(Array.from({ length: 40 }, () => true));
    expect(reportLoad.peak).toBeLessThanOrEqual(8);
  });

  it("reports UNDELIV for receivers ending in the configured digits", async () => {
    const report = nextReport();

    const outcome = await sender().send(sms({ to: "+4799999000" }));

    const [parsed] = parseSmsDeliveryReport((await report).body, "application/xml");
    expect(parsed).toMatchObject({
      valid: true,
      result: "Failed_Undelivered",
      gatewayReference: outcome.outcome === "accepted" ? outcome.gatewayReference : "?",
    });
    expect(parsed).not.toHaveProperty("deliveryTime");
  });

  it("sends the receiver without +, the validity in minutes and a gateway-safe sender", async () => {
    await sender().send(sms({ sender: "Bærum kommune byggesak", timeToLiveSeconds: 90 }));
    await sender().send(sms({ sender: "+4722222222", to: "004799999999", timeToLiveSeconds: 0 }));

    expect(gateway.submissions().slice(-2)).toMatchObject([
      { receiver: "4799999999", sender: "Baerum komm", ttl: "2" },
      { receiver: "4799999999", sender: "4722222222", ttl: "1" },
    ]);
    expect(gateway.submissions().at(-1)).not.toHaveProperty("op");
  });

  it("keeps Norwegian text as GSM-7 and sends other scripts as Unicode (OP 9) that arrive intact", async () => {
    await sender().send(sms({ body: "Blåbærsyltetøy på Ærø" }));
    await sender().send(sms({ body: "Сообщение 📬" }));

    const [norwegian, unicode] = gateway.submissions().slice(-2);
    expect(norwegian).toMatchObject({ text: "Blåbærsyltetøy på Ærø" });
    expect(norwegian).not.toHaveProperty("op");
    expect(unicode).toMatchObject({ op: "9", text: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(outbox.list("sms").map((m) => m.body)).toEqual(["Blåbærsyltetøy på Ærø", "Сообщение 📬"]);
  });

  it("a receiver the gateway refuses (Invalid RCV …) is Failed_InvalidRecipient", async () => {
    expect(await sender().send(sms({ to: "+4712345" }))).toEqual({
      outcome: "failed",
      result: "Failed_InvalidRecipient",
    });
    expect(outbox.list()).toHaveLength(0);
  });

  it("something that is not a phone number fails as invalid recipient without calling the gateway", async () => {
    const before = gateway.submissions().length;

    expect(await sender().send(sms({ to: "ring meg" }))).toEqual({
      outcome: "failed",
      result: "Failed_InvalidRecipient",
    });
    expect(gateway.submissions()).toHaveLength(before);
  });

  it("any other per-message rejection, and an HTTP 400, are Failed", async () => {
    gateway.failWith(
      200,
      "<SESSION><LOGON>OK</LOGON><REASON></REASON><MSGLST><MSG><ID>1</ID><STATUS>FAIL</STATUS><INFO>Account blocked</INFO></MSG></MSGLST></SESSION>",
    );
    gateway.failWith(400, "Bad request");

    expect(await sender().send(sms())).toEqual({ outcome: "failed", result: "Failed" });
    expect(await sender().send(sms())).toEqual({ outcome: "failed", result: "Failed" });
  });

  it("wrong credentials are refused by the gateway (LOGON FAIL) and kept transient", async () => {
    const error = await transientFrom(sender({ password: "wrong" }).send(sms()));

    expect(error.message).toContain("refused the logon");
    expect(outbox.list()).toHaveLength(0);
  });

  it("503 with Retry-After, 500 and 429 with an HTTP date are transient with the right delay", async () => {
    gateway.failWith(503, "down", { "retry-after": "5" });
    gateway.failWith(500, "oops");
    gateway.failWith(429, "slow down", { "retry-after": new Date(Date.now() + 30_000).toUTCString() });

    expect((await transientFrom(sender().send(sms()))).details.retryAfterMs).toBe(5_000);
    expect((await transientFrom(sender().send(sms()))).details.retryAfterMs).toBe(60_000);
    const throttled = (await transientFrom(sender().send(sms()))).details.retryAfterMs;
    expect(throttled).toBeGreaterThan(20_000);
    expect(throttled).toBeLessThanOrEqual(30_000);
  });

  it("a gateway that does not answer in time is transient", async () => {
    gateway.hangNext();

    const error = await transientFrom(sender({ timeoutMs: 200 }).send(sms()));

    expect(error.message).toContain("timed out");
  });

  it("an unreachable gateway and an unreadable 200 answer are transient", async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/`;
    expect((await transientFrom(sender({ url }).send(sms()))).message).toContain("unreachable");

    gateway.failWith(200, "<html>maintenance</html>");
    expect((await transientFrom(sender().send(sms()))).message).toContain("unreadable");
  });

  it("an OK without a gateway reference is a permanent error (the report could never be matched)", async () => {
    gateway.failWith(
      200,
      "<SESSION><LOGON>OK</LOGON><REASON/><MSGLST><MSG><ID>1</ID><STATUS>OK</STATUS><INFO/></MSG></MSGLST></SESSION>",
    );

    await expect(sender().send(sms())).rejects.toSatisfy((e: unknown) => isAppError(e, "permanent"));
  });

  it("never quotes the receiver number in errors it raises", async () => {
    gateway.failWith(503, "Invalid RCV '4799999999'");

    const error = await transientFrom(sender().send(sms()));

    expect(error.message).not.toContain("99999999");
  });
});
