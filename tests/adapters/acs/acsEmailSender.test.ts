/**
 * The ACS email adapter driven through the real `@azure/communication-email` SDK against the local fake
 * ACS over HTTP: what is sent, how each kind of ACS answer maps to an outcome, and the delivery report.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AcsEmailSender } from "../../../shared/adapters/acs/acsEmailSender";
import { parseEmailDeliveryReport } from "../../../shared/adapters/acs/emailDeliveryReport";
import { isAppError, type AppError } from "../../../shared/errors";
import type { EmailMessage } from "../../../shared/ports/emailSender";
import { startFakeAcs, type EmailDeliveryReportEvent, type FakeAcs } from "../../../shared/local/fakeAcs";
import { Outbox } from "../../../shared/local/outbox";

const recipient = "kari.nordmann@example.no";
const outbox = new Outbox();
const reports: EmailDeliveryReportEvent[] = [];
let reportArrived: (event: EmailDeliveryReportEvent) => void = () => {};
let acs: FakeAcs;

function email(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    notificationId: randomUUID(),
    from: "noreply@varsel.example",
    to: recipient,
    subject: "Vedtak i saken din",
    body: "Du har fått et vedtak.",
    contentType: "Plain",
    ...overrides,
  };
}

function sender(options: { accessKey?: string; endpoint?: string; timeoutMs?: number } = {}): AcsEmailSender {
  return new AcsEmailSender({
    endpoint: options.endpoint ?? acs.endpoint,
    accessKey: options.accessKey ?? acs.accessKey,
    allowInsecureConnection: true,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

async function transientFrom(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error, "transient")) throw new Error(`expected a transient AppError, got ${String(error)}`);
  return error;
}

/** A port nothing listens on: bind an ephemeral one, then release it. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

beforeAll(async () => {
  acs = await startFakeAcs({
    outbox,
    onDeliveryReport: (event) => {
      reports.push(event);
      reportArrived(event);
    },
  });
});
afterEach(async () => {
  await acs.idle();
  outbox.clear();
  reports.length = 0;
});
afterAll(() => acs.close());

describe("AcsEmailSender against the fake ACS", () => {
  it("starts the send with the notification id as operation id and does not ask for its status", async () => {
    const message = email();
    const report = new Promise<EmailDeliveryReportEvent>((resolve) => (reportArrived = resolve));
    const statusRequests = acs.statusRequestCount();

    const outcome = await sender().send(message);

    expect(outcome).toEqual({ outcome: "accepted", operationId: message.notificationId });
    // ACS allows 60 status requests a minute per subscription: the outcome comes with the delivery report.
    expect(acs.statusRequestCount()).toBe(statusRequests);
    expect(outbox.list("email")).toMatchObject([
      {
        to: recipient,
        from: message.from,
        subject: message.subject,
        body: message.body,
        contentType: "Plain",
        reference: message.notificationId,
      },
    ]);
    const parsed = parseEmailDeliveryReport(await report);
    expect(parsed).toMatchObject([{ valid: true, operationId: message.notificationId, status: "Delivered" }]);
  });

  it("sends Html bodies as html, without engagement tracking, with the auto-reply suppression header", async () => {
    const message = email({ contentType: "Html", body: "<p>Hei</p>" });

    await sender().send(message);

    const request = acs.sendRequests().at(-1);
    expect(request?.operationId).toBe(message.notificationId);
    expect(request?.body).toMatchObject({
      senderAddress: message.from,
      content: { subject: message.subject, html: "<p>Hei</p>" },
      recipients: { to: [{ address: recipient }] },
      // The SDK's `disableUserEngagementTracking` travels under its REST name.
      userEngagementTrackingDisabled: true,
      headers: { "X-Auto-Response-Suppress": "All" },
    });
    expect(request?.body).not.toHaveProperty("content.plainText");
    expect(outbox.list("email")[0]?.contentType).toBe("Html");
  });

  it("a redelivered send names the same operation, which is captured and reported once", async () => {
    const message = email();

    const first = await sender().send(message);
    const second = await sender().send(message);
    await acs.idle();

    expect(second).toEqual(first);
    expect(outbox.list("email")).toHaveLength(1);
    expect(reports).toHaveLength(1);
  });

  it("429 with Retry-After in seconds is transient with that delay, and names no address", async () => {
    acs.failWith(
      429,
      { error: { code: "TooManyRequests", message: `Too many for ${recipient}` } },
      {
        "retry-after": "7",
      },
    );

    const error = await transientFrom(sender().send(email()));

    expect(error.details.retryAfterMs).toBe(7_000);
    expect(error.message).not.toContain(recipient);
    expect(outbox.list()).toHaveLength(0);
  });

  it("429 with Retry-After as an HTTP date is transient until about that time", async () => {
    const at = new Date(Date.now() + 120_000);
    acs.failWith(429, undefined, { "retry-after": at.toUTCString() });

    const error = await transientFrom(sender().send(email()));

    expect(error.details.retryAfterMs).toBeGreaterThan(110_000);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it("5xx is transient, with Retry-After when given and 60 s otherwise", async () => {
    acs.failWith(503, undefined, { "retry-after": "3" });
    acs.failWith(500);

    expect((await transientFrom(sender().send(email()))).details.retryAfterMs).toBe(3_000);
    expect((await transientFrom(sender().send(email()))).details.retryAfterMs).toBe(60_000);
  });

  it("an address ACS rejects as malformed is Failed_InvalidEmailFormat", async () => {
    expect(await sender().send(email({ to: "not-an-address" }))).toEqual({
      outcome: "failed",
      result: "Failed_InvalidEmailFormat",
    });
    expect(outbox.list()).toHaveLength(0);
  });

  it("an empty address fails as invalid format without calling ACS", async () => {
    const before = acs.sendRequests().length;

    expect(await sender().send(email({ to: " " }))).toEqual({
      outcome: "failed",
      result: "Failed_InvalidEmailFormat",
    });
    expect(acs.sendRequests()).toHaveLength(before);
  });

  it("maps the other permanent ACS answers per Altinn", async () => {
    acs.failWith(400, { error: { code: "EmailDroppedAllRecipientsSuppressed", message: "Suppressed." } });
    acs.failWith(413, { error: { code: "RequestEntityTooLarge", message: "Too large." } });
    acs.failWith(400, { error: { code: "BadRequest", message: "Something else." } });

    expect(await sender().send(email())).toEqual({ outcome: "failed", result: "Failed_SupressedRecipient" });
    expect(await sender().send(email())).toEqual({ outcome: "failed", result: "Failed_PayloadTooLarge" });
    expect(await sender().send(email())).toEqual({ outcome: "failed", result: "Failed" });
  });

  it("an operation ACS accepted and then failed is accepted, and its delivery report gives the mapped failure", async () => {
    const message = email();
    const report = new Promise<EmailDeliveryReportEvent>((resolve) => (reportArrived = resolve));
    acs.failOperation("EmailDroppedAllRecipientsSuppressed", "All recipients are suppressed.");

    expect(await sender().send(message)).toEqual({
      outcome: "accepted",
      operationId: message.notificationId,
    });
    expect(parseEmailDeliveryReport(await report)).toMatchObject([
      { valid: true, operationId: message.notificationId, status: "Failed_SupressedRecipient" },
    ]);
    expect(outbox.list()).toHaveLength(0);
  });

  it("409 for our own operation id means ACS already has the send", async () => {
    const message = email();
    acs.failWith(409, { error: { code: "Conflict", message: "Operation exists." } });

    expect(await sender().send(message)).toEqual({
      outcome: "accepted",
      operationId: message.notificationId,
    });
  });

  it("a wrong access key (401) is transient: an operator must fix it, the emails must not fail", async () => {
    const wrongKey = Buffer.from("not the key").toString("base64");

    const error = await transientFrom(sender({ accessKey: wrongKey }).send(email()));

    expect(error.message).toContain("401");
    expect(outbox.list()).toHaveLength(0);
  });

  it("an unreachable endpoint and a request that times out are transient", async () => {
    const endpoint = `http://127.0.0.1:${await unusedPort()}`;
    expect((await transientFrom(sender({ endpoint }).send(email()))).details.retryAfterMs).toBe(60_000);

    acs.hangNext();
    const timedOut = await transientFrom(sender({ timeoutMs: 200 }).send(email()));
    expect(timedOut.message).toContain("timed out");
  });
});
