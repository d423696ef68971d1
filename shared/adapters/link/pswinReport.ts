/**
 * The PSWin XML delivery-report documents ("Receive delivery report request XML" and "…response XML" on
 * wiki.pswin.com): LINK POSTs a MSGLST of one or more MSG (ID, REF, RCV, STATE, DELIVERYTIME?) and expects
 * a MSGLST of (ID, STATUS) back. Both directions, for the receiver and for the local gateway.
 */
import { childText, elements, parseXml, XmlParseError } from "./xml";

export interface PswinDeliveryReportMessage {
  /** Numeric id within this document, echoed in the acknowledgement. */
  id: string;
  /** The gateway reference returned when the message was submitted. */
  reference: string;
  /** Receiver number (personal data: never log it). */
  receiver: string;
  /** DELIVRD, UNDELIV, EXPIRED, … as sent; mapping happens in smsDeliveryReport.ts. */
  state: string;
  /** "yyyy.MM.dd HH:mm:ss" in the SMSC's local time, only on positive reports. */
  deliveryTime?: string;
}

/** Reads a delivery-report request; throws XmlParseError when it is not one. Fields may be empty strings. */
export function parseDeliveryReportXml(xml: string): PswinDeliveryReportMessage[] {
  const list = parseXml(xml);
  if (list.name !== "MSGLST") throw new XmlParseError("root element is not MSGLST");
  const messages = list.children.filter((c) => c.name === "MSG");
  if (messages.length === 0) throw new XmlParseError("MSGLST has no MSG");
  return messages.map((msg) => ({
    id: childText(msg, "ID") ?? "",
    reference: childText(msg, "REF") ?? "",
    receiver: childText(msg, "RCV") ?? "",
    state: childText(msg, "STATE") ?? "",
    ...(childText(msg, "DELIVERYTIME") ? { deliveryTime: childText(msg, "DELIVERYTIME") } : {}),
  }));
}

export function deliveryReportXml(messages: PswinDeliveryReportMessage[]): string {
  const list = messages
    .map(
      (m) =>
        `<MSG>${elements([
          ["ID", m.id],
          ["REF", m.reference],
          ["RCV", m.receiver],
          ["STATE", m.state],
          ["DELIVERYTIME", m.deliveryTime],
        ])}</MSG>`,
    )
    .join("");
  return `<?xml version="1.0"?><MSGLST>${list}</MSGLST>`;
}

/**
 * The receiver's confirmation in the wiki's format. (Altinn answers 200 with a serialised .NET object
 * instead and evidently gets by, so the gateway seems to look at the HTTP status; we send the documented body.)
 */
export function deliveryReportAcknowledgementXml(ids: string[], status: "OK" | "FAIL" = "OK"): string {
  const list = ids
    .map(
      (id) =>
        `<MSG>${elements([
          ["ID", id],
          ["STATUS", status],
        ])}</MSG>`,
    )
    .join("");
  return `<?xml version="1.0"?><MSGLST>${list}</MSGLST>`;
}

/** Gateway side: true when every report id was acknowledged with OK. */
export function isAcknowledged(xml: string, ids: string[]): boolean {
  try {
    const list = parseXml(xml);
    const ok = new Set(
      list.children.filter((m) => childText(m, "STATUS") === "OK").map((m) => childText(m, "ID") ?? ""),
    );
    return list.name === "MSGLST" && ids.every((id) => ok.has(id));
  } catch {
    return false;
  }
}
