/**
 * The PSWin XML gateway's submit documents (https://wiki.pswin.com/Gateway%20XML%20API.ashx and "Send
 * message response XML"), in both directions: the adapter writes requests and reads responses, the local
 * gateway reads requests and writes responses.
 */
import { child, childText, elements, parseXml, XmlParseError } from "./xml";

export interface PswinCredentials {
  username: string;
  password: string;
}

export interface PswinOutgoingMessage {
  /** Numeric id, unique within one request; the response refers to it. */
  id: number;
  /** Plain GSM-7 text, or hex UCS-2 when `messageType` is 9. */
  text: string;
  /** Alphanumeric (≤ 11) or numeric (≤ 15 digits) sender. */
  sender: string;
  /** International number without "+" or "00". */
  receiver: string;
  /** Validity in minutes, counted from when the gateway stores the message. */
  ttlMinutes?: number;
  /** PSWin `OP`: 9 = Unicode; left out for default GSM-7 text. */
  messageType?: 9;
}

export interface PswinMessageResult {
  id: string;
  ok: boolean;
  /** The gateway reference, which delivery reports carry in REF. */
  reference?: string;
  /** Free text, e.g. "Invalid RCV '…'" — may quote the receiver number, so never log it. */
  info: string;
}

export type PswinSubmitResponse =
  { logon: "OK"; messages: PswinMessageResult[] } | { logon: "FAIL"; reason: string };

export const pswinContentType = "text/xml; charset=utf-8";

export function submitRequestXml(credentials: PswinCredentials, messages: PswinOutgoingMessage[]): string {
  const list = messages
    .map(
      (m) =>
        `<MSG>${elements([
          ["ID", m.id],
          ["TEXT", m.text],
          ["SND", m.sender],
          ["RCV", m.receiver],
          ["OP", m.messageType],
          ["TTL", m.ttlMinutes],
        ])}</MSG>`,
    )
    .join("");
  const session = elements([
    ["CLIENT", credentials.username],
    ["PW", credentials.password],
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?><SESSION>${session}<MSGLST>${list}</MSGLST></SESSION>`;
}

/** Reads a submit response; throws XmlParseError when it is not one. */
export function parseSubmitResponse(xml: string): PswinSubmitResponse {
  const session = parseXml(xml);
  const logon = childText(session, "LOGON");
  if (session.name !== "SESSION" || (logon !== "OK" && logon !== "FAIL")) {
    throw new XmlParseError("not a PSWin submit response");
  }
  if (logon === "FAIL") return { logon, reason: childText(session, "REASON") ?? "" };
  const list = child(session, "MSGLST")?.children.filter((c) => c.name === "MSG") ?? [];
  return {
    logon,
    messages: list.map((msg) => ({
      id: childText(msg, "ID") ?? "",
      ok: childText(msg, "STATUS") === "OK",
      ...(childText(msg, "REF") ? { reference: childText(msg, "REF") } : {}),
      info: childText(msg, "INFO") ?? "",
    })),
  };
}

export interface PswinIncomingSubmit {
  credentials: PswinCredentials;
  messages: Array<{ id: string; text: string; sender: string; receiver: string; ttl?: string; op?: string }>;
}

/** Gateway side: reads a submit request; throws XmlParseError when it is not one. */
export function parseSubmitRequest(xml: string): PswinIncomingSubmit {
  const session = parseXml(xml);
  if (session.name !== "SESSION") throw new XmlParseError("root element is not SESSION");
  const list = child(session, "MSGLST")?.children.filter((c) => c.name === "MSG") ?? [];
  return {
    credentials: { username: childText(session, "CLIENT") ?? "", password: childText(session, "PW") ?? "" },
    messages: list.map((msg, index) => ({
      id: childText(msg, "ID") ?? String(index + 1),
      // TEXT keeps its spaces: only the gateway-level fields are trimmed.
      text: child(msg, "TEXT")?.text ?? "",
      sender: childText(msg, "SND") ?? "",
      receiver: childText(msg, "RCV") ?? "",
      ...(childText(msg, "TTL") ? { ttl: childText(msg, "TTL") } : {}),
      ...(childText(msg, "OP") ? { op: childText(msg, "OP") } : {}),
    })),
  };
}

/** Gateway side: writes a submit response. */
export function submitResponseXml(response: PswinSubmitResponse): string {
  if (response.logon === "FAIL") {
    return `<?xml version="1.0"?><SESSION><LOGON>FAIL</LOGON>${elements([["REASON", response.reason]])}</SESSION>`;
  }
  const list = response.messages
    .map(
      (m) =>
        `<MSG>${elements([
          ["ID", m.id],
          ["REF", m.reference],
          ["STATUS", m.ok ? "OK" : "FAIL"],
          ["INFO", m.info],
        ])}</MSG>`,
    )
    .join("");
  return `<?xml version="1.0"?><SESSION><LOGON>OK</LOGON><REASON></REASON><MSGLST>${list}</MSGLST></SESSION>`;
}
