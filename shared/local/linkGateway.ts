/**
 * A local stand-in for LINK Mobility's PSWin XML gateway: it reads submit documents, checks CLIENT/PW,
 * refuses receivers the way the gateway does ("Invalid RCV …"), captures accepted SMS in the outbox with a
 * fresh gateway reference, and then POSTs a PSWin XML delivery report (Basic auth) to `deliveryReportUrl`.
 * PSWin has no client-side message reference, so — like the real gateway — a resubmitted SMS is a new SMS.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listeningPort, readBytes } from "./serverIo";
import { deliveryReportXml, isAcknowledged } from "../adapters/link/pswinReport";
import {
  parseSubmitRequest,
  submitResponseXml,
  type PswinCredentials,
  type PswinIncomingSubmit,
  type PswinMessageResult,
} from "../adapters/link/pswinSubmit";
import { XmlParseError } from "../adapters/link/xml";
import { AdmissionGate } from "./host/admission";
import type { Outbox } from "./outbox";
import { appendRecent } from "./recentHistory";

interface LocalLinkGatewayOptions {
  outbox: Outbox;
  /** The CLIENT/PW the gateway accepts; defaults to varsel/local. */
  credentials?: PswinCredentials;
  /** Where delivery reports go (our LINK report endpoint); none are sent without it. */
  deliveryReportUrl?: string;
  /** Basic-auth credentials for posting reports. */
  reportCredentials?: PswinCredentials;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Receivers whose digits end with this get UNDELIV instead of DELIVRD. */
  undeliverableSuffix?: string;
  /** Full control over the reported STATE per receiver (digits only); wins over `undeliverableSuffix`. */
  stateFor?: (receiver: string) => string;
  /** Delays before re-posting a report that was not acknowledged; default 1 s, 5 s, 30 s. */
  reportRetryDelaysMs?: number[];
  /**
   * Real time between accepting a message and posting its report (default 200 ms). A real handset report
   * takes seconds; reporting within the same instant would race the sender recording the gateway reference.
   */
  reportDelayMs?: number;
  /** Told about each report post attempt (never the receiver), e.g. for local-mode logging. */
  onReportPosted?: (attempt: { reference: string; state: string; acknowledged: boolean }) => void;
  now?: () => Date;
}

export interface LocalLinkGateway {
  url: string;
  /** The next submit is answered with this HTTP status, body and headers. */
  failWith(status: number, body?: string, headers?: Record<string, string>): void;
  /** The next submit gets no answer at all until `close()`, to exercise client timeouts. */
  hangNext(): void;
  /** The messages of the latest well-formed submits, as sent (credentials left out). */
  submissions(): PswinIncomingSubmit["messages"];
  /** Resolves once every report post (including scheduled retries) has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface InjectedFailure {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const alphanumericSender = /^[A-Za-z0-9 !"#%&'()*+\-./?><;]{1,11}$/;

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString("utf8");
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** PSWin's DELIVERYTIME format, "yyyy.MM.dd HH:mm:ss" (UTC here; the real SMSC uses its local time). */
function deliveryTime(at: Date): string {
  const date = `${at.getUTCFullYear()}.${pad(at.getUTCMonth() + 1)}.${pad(at.getUTCDate())}`;
  return `${date} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
}

function decodeText(text: string, op: string | undefined): string {
  return op === "9" ? Buffer.from(text, "hex").swap16().toString("utf16le") : text;
}

/** The gateway's per-message checks (wiki: RCV at least 9 digits; SND numeric ≤ 15 or alphanumeric ≤ 11). */
function refusal(message: PswinIncomingSubmit["messages"][number]): string | undefined {
  if (!/^\d{9,15}$/.test(message.receiver)) {
    return `Invalid RCV '${message.receiver}'. Receiver number must be at least 9 digits.`;
  }
  if (!/^\d{1,15}$/.test(message.sender) && !alphanumericSender.test(message.sender)) return "Invalid SND";
  if (message.op === "9" && !/^(?:[0-9a-fA-F]{4})*$/.test(message.text)) return "Invalid TEXT for OP 9";
  return undefined;
}

export async function startLocalLinkGateway(options: LocalLinkGatewayOptions): Promise<LocalLinkGateway> {
  const credentials = options.credentials ?? { username: "varsel", password: "local" };
  const retryDelays = options.reportRetryDelaysMs ?? [1_000, 5_000, 30_000];
  const now = options.now ?? (() => new Date());
  const failures: InjectedFailure[] = [];
  const submissions: PswinIncomingSubmit["messages"] = [];
  const pending = new Set<Promise<void>>();
  /** Scheduled report retries, with how to settle them early when the gateway closes. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  let hangs = 0;
  let closed = false;
  // Reports go out over at most 8 connections at once: a connection per report of a 100-message submission
  // crowded the local host's other clients out (order intake waited up to 26 s for its connection).
  const reportGate = new AdmissionGate({ maxActive: 8, maxWaiting: Infinity, maxWaitMs: Infinity });

  function stateOf(receiver: string): string {
    if (options.stateFor) return options.stateFor(receiver);
    const suffix = options.undeliverableSuffix;
    return suffix && receiver.endsWith(suffix) ? "UNDELIV" : "DELIVRD";
  }

  /** Whether the receiver acknowledged the report; waits for one of the gate's connections first. */
  async function postThroughGate(url: string, init: RequestInit): Promise<boolean> {
    await reportGate.enter();
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
      return response.ok && isAcknowledged(await response.text(), ["1"]);
    } finally {
      reportGate.leave();
    }
  }

  async function postReport(reference: string, receiver: string, attempt: number): Promise<void> {
    const url = options.deliveryReportUrl;
    if (!url || closed) return;
    const state = stateOf(receiver);
    const body = deliveryReportXml([
      {
        id: "1",
        reference,
        receiver,
        state,
        ...(state === "DELIVRD" ? { deliveryTime: deliveryTime(now()) } : {}),
      },
    ]);
    const auth = options.reportCredentials;
    const headers: Record<string, string> = { "content-type": "application/xml" };
    if (auth)
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
    const acknowledged = await postThroughGate(url, { method: "POST", headers, body }).catch(() => false);
    options.onReportPosted?.({ reference, state, acknowledged });
    const delay = retryDelays[attempt];
    if (acknowledged || delay === undefined || closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(postReport(reference, receiver, attempt + 1));
      }, delay);
      timers.set(timer, resolve);
    });
  }

  function track(work: Promise<void>) {
    const tracked = work.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    if (req.method !== "POST") return void res.writeHead(405).end();
    if (hangs > 0) return void hangs--; // leave the request unanswered
    const failure = failures.shift();
    if (failure) return void res.writeHead(failure.status, failure.headers).end(failure.body);
    let submit: PswinIncomingSubmit;
    try {
      submit = parseSubmitRequest(text);
    } catch (error) {
      if (!(error instanceof XmlParseError)) throw error;
      return void res.writeHead(400, { "content-type": "text/plain" }).end("XML is not well formed");
    }
    appendRecent(submissions, submit.messages);
    const xml = (body: string) => res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end(body);
    const { username, password } = submit.credentials;
    if (username !== credentials.username || password !== credentials.password) {
      return xml(submitResponseXml({ logon: "FAIL", reason: "Invalid username or password" }));
    }
    const accepted: Array<{ reference: string; receiver: string }> = [];
    const results: PswinMessageResult[] = submit.messages.map((message) => {
      const refused = refusal(message);
      if (refused) return { id: message.id, ok: false, info: refused };
      const reference = randomUUID().toUpperCase();
      const body = decodeText(message.text, message.op);
      options.outbox.record({
        channel: "sms",
        to: `+${message.receiver}`,
        from: message.sender,
        body,
        reference,
      });
      accepted.push({ reference, receiver: message.receiver });
      return { id: message.id, ok: true, reference, info: "" };
    });
    const reportDelayMs = options.reportDelayMs ?? 200;
    res.once("finish", () =>
      accepted.forEach((a) =>
        track(
          new Promise<void>((resolve) => setTimeout(resolve, reportDelayMs)).then(() =>
            postReport(a.reference, a.receiver, 0),
          ),
        ),
      ),
    );
    xml(submitResponseXml({ logon: "OK", messages: results }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${listeningPort(server)}/`;

  return {
    url,
    failWith: (status, body = "", headers = {}) => void failures.push({ status, body, headers }),
    hangNext: () => void hangs++,
    submissions: () => submissions.map((m) => ({ ...m })),
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: async () => {
      closed = true;
      for (const [timer, settle] of timers) {
        clearTimeout(timer);
        settle();
      }
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await Promise.all([...pending]);
    },
  };
}
