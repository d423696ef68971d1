/**
 * A local stand-in for the Azure Communication Services Email REST API, enough for the real
 * `@azure/communication-email` EmailClient (with `allowInsecureConnection`): POST /emails:send answers 202
 * with `operation-location`, GET /emails/operations/{id} reports the operation. Requests must carry a valid
 * HMAC-SHA256 signature made with the fake's access key, as ACS checks them. Each accepted message is
 * captured once per operation id and followed by an Event Grid `EmailDeliveryReportReceived` event.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
import { parseJson } from "../narrowing";
import { listeningPort, readBytes } from "./serverIo";
import { emailDeliveryReportEventType } from "../adapters/acs/emailDeliveryReport";
import type { Outbox } from "./outbox";
import { appendRecent, setRecent } from "./recentHistory";

type AcsDeliveryStatus =
  "Delivered" | "Expanded" | "Failed" | "Bounced" | "Suppressed" | "FilteredSpam" | "Quarantined";

/** An Event Grid (not CloudEvents) schema event, as ACS publishes it to a Service Bus queue subscription. */
export interface EmailDeliveryReportEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: typeof emailDeliveryReportEventType;
  eventTime: string;
  dataVersion: "1.0";
  metadataVersion: "1";
  data: {
    sender: string;
    recipient: string;
    messageId: string;
    status: AcsDeliveryStatus;
    deliveryStatusDetails: { statusMessage: string };
    deliveryAttemptTimestamp: string;
  };
}

interface InjectedAcsFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface FakeAcsOptions {
  outbox: Outbox;
  /** Called after each accepted message, e.g. to put the event on the local delivery-report queue. */
  onDeliveryReport?: (event: EmailDeliveryReportEvent) => Promise<void> | void;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Base64 access key; random by default. */
  accessKey?: string;
  /** Failures to answer the next sends with, in order. */
  failNext?: InjectedAcsFailure | InjectedAcsFailure[];
  /**
   * Sends a second this endpoint takes (a token bucket holding one second's worth); above it, it answers
   * 429 with `Retry-After` in whole seconds, as ACS does when a resource's quota is exceeded. Unlimited when unset.
   */
  rateLimitPerSecond?: number;
  /** Delivery status per recipient address; Delivered by default. */
  deliveryStatusFor?: (recipient: string) => AcsDeliveryStatus;
  now?: () => Date;
}

export interface FakeAcs {
  endpoint: string;
  connectionString: string;
  accessKey: string;
  /** The next send is answered with this status, body (JSON) and headers instead of being accepted. */
  failWith(status: number, body?: unknown, headers?: Record<string, string>): void;
  /**
   * The next send is accepted (202) but its operation ends Failed with this error, and its delivery report
   * says so (Suppressed for a suppression code, else Failed), as ACS does for suppressed recipients.
   */
  failOperation(code: string, message: string): void;
  /** The next request gets no answer until `close()`, to exercise client timeouts. */
  hangNext(): void;
  /** How many send requests were answered 429 for the rate limit. */
  throttledCount(): number;
  /** How many operation status requests (GET /emails/operations/{id}) were received. */
  statusRequestCount(): number;
  /** The latest send requests received (parsed JSON bodies and the Operation-Id header), oldest first. */
  sendRequests(): Array<{ operationId?: string; body: unknown }>;
  /** Resolves once every delivery-report callback started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Operation {
  status: "Succeeded" | "Failed";
  error?: { code: string; message: string };
}

const addressesSchema = z.array(z.looseObject({ address: z.string() }));
// Loose: ACS ignores what it does not read, and so does the fake.
const sendBodySchema = z.looseObject({
  senderAddress: z.string(),
  content: z.looseObject({
    subject: z.string(),
    plainText: z.string().optional(),
    html: z.string().optional(),
  }),
  recipients: z.looseObject({
    to: addressesSchema.min(1),
    cc: addressesSchema.optional(),
    bcc: addressesSchema.optional(),
  }),
  attachments: z
    .array(z.looseObject({ name: z.string(), contentType: z.string(), contentInBase64: z.string() }))
    .optional(),
});
type SendBody = z.infer<typeof sendBodySchema>;

/** ACS refuses a send request over 10 MiB (attachments base64-encoded) with 413. */
const maxSendRequestBytes = 10 * 1024 * 1024;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const plausibleAddress = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const fakeTopic =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/varsel-local/providers/Microsoft.Communication/CommunicationServices/fake-acs";

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** What the outbox keeps of an attachment: enough to check it arrived whole, not its content. */
function capturedAttachment(attachment: { name: string; contentType: string; contentInBase64: string }) {
  const content = Buffer.from(attachment.contentInBase64, "base64");
  return {
    name: attachment.name,
    contentType: attachment.contentType,
    bytes: content.length,
    sha256: createHash("sha256").update(content).digest("hex"),
  };
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** ACS's quota as a token bucket: `perSecond` a second, up to one second's worth at once. */
function rateLimiter(perSecond: number, now: () => Date) {
  let tokens = perSecond;
  let countedAt = now().getTime();
  return {
    /** Takes a token, or says how many whole seconds to wait for one (at least 1, as ACS answers). */
    take(): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
      const at = now().getTime();
      tokens = Math.min(perSecond, tokens + ((at - countedAt) / 1000) * perSecond);
      countedAt = at;
      if (tokens >= 1) {
        tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString("utf8");
}

/** ACS's access-key scheme, as `@azure/communication-common` signs: method, path?query, date;host;content hash. */
function hasValidSignature(req: IncomingMessage, body: string, accessKey: string): boolean {
  const match = /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$/.exec(
    req.headers.authorization ?? "",
  );
  const contentHash = createHash("sha256").update(body, "utf8").digest("base64");
  if (!match || req.headers["x-ms-content-sha256"] !== contentHash) return false;
  const url = new URL(req.url ?? "/", "http://fake");
  const query = url.searchParams.toString();
  const stringToSign = `${req.method}\n${url.pathname}${query ? `?${query}` : ""}\n${String(req.headers["x-ms-date"])};${req.headers.host};${contentHash}`;
  const expected = createHmac("sha256", Buffer.from(accessKey, "base64")).update(stringToSign).digest();
  const given = Buffer.from(match[1] ?? "", "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseSendBody(text: string): SendBody | undefined {
  try {
    const parsed = sendBodySchema.safeParse(parseJson(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeAcs(options: FakeAcsOptions): Promise<FakeAcs> {
  const accessKey = options.accessKey ?? randomBytes(32).toString("base64");
  const now = options.now ?? (() => new Date());
  const failures: InjectedAcsFailure[] = [options.failNext ?? []].flat();
  const operationFailures: Array<NonNullable<Operation["error"]>> = [];
  const operations = new Map<string, Operation>();
  const pendingReports = new Set<Promise<void>>();
  const sendRequests: Array<{ operationId?: string; body: unknown }> = [];
  const limiter = options.rateLimitPerSecond ? rateLimiter(options.rateLimitPerSecond, now) : undefined;
  let throttled = 0;
  let statusRequests = 0;
  let hangs = 0;
  let endpoint = "";

  /** An operation of this run, or a sent one of an earlier run that the outbox (kept on disk) still holds. */
  function findOperation(id: string): Operation | undefined {
    if (operations.has(id)) return operations.get(id);
    return options.outbox.findByReference(id)?.channel === "email" ? { status: "Succeeded" } : undefined;
  }

  function report(body: SendBody, messageId: string, failure?: Operation["error"]) {
    const failed: AcsDeliveryStatus | undefined =
      failure && (failure.code.includes("Suppressed") ? "Suppressed" : "Failed");
    for (const { address } of body.recipients.to ?? []) {
      const status = failed ?? options.deliveryStatusFor?.(address) ?? "Delivered";
      const at = now().toISOString();
      const event: EmailDeliveryReportEvent = {
        id: randomUUID(),
        topic: fakeTopic,
        subject: `sender/${body.senderAddress}/message/${messageId}`,
        eventType: emailDeliveryReportEventType,
        eventTime: at,
        dataVersion: "1.0",
        metadataVersion: "1",
        data: {
          sender: body.senderAddress,
          recipient: address,
          messageId,
          status,
          deliveryStatusDetails: {
            statusMessage: status === "Delivered" ? "No error." : `Local fake: ${status}`,
          },
          deliveryAttemptTimestamp: at,
        },
      };
      // The callback's own failures are its business; the fake must keep serving.
      const pending = Promise.resolve()
        .then(() => options.onDeliveryReport?.(event))
        .catch(() => undefined)
        .finally(() => pendingReports.delete(pending));
      pendingReports.add(pending);
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, text: string, apiVersion: string) {
    const requestedId = req.headers["operation-id"];
    appendRecent(sendRequests, [
      {
        ...(typeof requestedId === "string" ? { operationId: requestedId } : {}),
        body: parseSendBody(text) ?? text,
      },
    ]);
    const injected = failures.shift();
    if (injected) {
      const body = injected.body ?? errorBody(`Status${injected.status}`, "Injected failure");
      return sendJson(res, injected.status, body, injected.headers);
    }
    const quota = limiter?.take();
    if (quota && !quota.allowed) {
      throttled += 1;
      const message = `Too many requests. Please try again after ${quota.retryAfterSeconds} seconds.`;
      return sendJson(res, 429, errorBody("TooManyRequests", message), {
        "retry-after": String(quota.retryAfterSeconds),
      });
    }
    if (Buffer.byteLength(text, "utf8") > maxSendRequestBytes) {
      return sendJson(res, 413, errorBody("RequestEntityTooLarge", "The request is too large."));
    }
    const body = parseSendBody(text);
    if (!body)
      return sendJson(res, 400, errorBody("BadRequest", "The request body is not a valid email message."));
    const recipients = [
      ...(body.recipients.to ?? []),
      ...(body.recipients.cc ?? []),
      ...(body.recipients.bcc ?? []),
    ];
    if (recipients.some((r) => typeof r.address !== "string" || !plausibleAddress.test(r.address))) {
      return sendJson(res, 400, errorBody("BadRequest", "Invalid format for email address."));
    }
    if (typeof requestedId === "string" && !uuidPattern.test(requestedId)) {
      return sendJson(res, 400, errorBody("BadRequest", "Operation-Id must be a UUID."));
    }
    const id = typeof requestedId === "string" ? requestedId.toLowerCase() : randomUUID();
    const accept = () =>
      sendJson(
        res,
        202,
        { id, status: "Running" },
        {
          "operation-location": `${endpoint}/emails/operations/${id}?api-version=${apiVersion}`,
          "retry-after": "1",
        },
      );
    if (findOperation(id)) return accept(); // the same operation again: nothing new is sent
    const error = operationFailures.shift();
    setRecent(operations, id, error ? { status: "Failed", error } : { status: "Succeeded" });
    if (!error) {
      options.outbox.record({
        channel: "email",
        to: (body.recipients.to ?? []).map((r) => r.address).join(", "),
        from: body.senderAddress,
        subject: body.content.subject,
        body: body.content.html ?? body.content.plainText ?? "",
        contentType: body.content.html !== undefined ? "Html" : "Plain",
        reference: id,
        ...(body.attachments?.length ? { attachments: body.attachments.map(capturedAttachment) } : {}),
      });
    }
    res.once("finish", () => report(body, id, error));
    accept();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    if (hangs > 0) return void hangs--; // leave the request unanswered
    if (!hasValidSignature(req, text, accessKey)) {
      return sendJson(res, 401, errorBody("Denied", "Denied by the resource provider."));
    }
    const url = new URL(req.url ?? "/", "http://fake");
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion)
      return sendJson(res, 400, errorBody("MissingApiVersionParameter", "api-version is required."));
    if (req.method === "POST" && url.pathname === "/emails:send") return send(req, res, text, apiVersion);
    const operationId = /^\/emails\/operations\/([^/]+)$/.exec(url.pathname)?.[1];
    const operation = operationId && findOperation(operationId.toLowerCase());
    if (req.method === "GET" && operationId) statusRequests += 1;
    if (req.method === "GET" && operation) return sendJson(res, 200, { id: operationId, ...operation });
    sendJson(res, 404, errorBody("NotFound", "Not found."));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => sendJson(res, 500, errorBody("InternalServerError", "Fake ACS failed.")));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${listeningPort(server)}`;

  return {
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
    accessKey,
    failWith: (status, body, headers) => void failures.push({ status, body, headers }),
    failOperation: (code, message) => void operationFailures.push({ code, message }),
    statusRequestCount: () => statusRequests,
    hangNext: () => void hangs++,
    throttledCount: () => throttled,
    sendRequests: () => sendRequests.map((r) => structuredClone(r)),
    idle: async () => {
      while (pendingReports.size > 0) await Promise.all([...pendingReports]);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await Promise.all([...pendingReports]);
    },
  };
}
