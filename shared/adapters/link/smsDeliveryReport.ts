import { deliveryReportXml, parseDeliveryReportXml, type PswinDeliveryReportMessage } from "./pswinReport";
import { XmlParseError } from "./xml";
import type { ParsedDeliveryReport } from "../../ports/deliveryReportParser";

/** The final statuses a LINK delivery report can give a notification (Altinn `SmsSendResultMapper`). */
type SmsDeliveryResult =
  | "Delivered"
  | "Failed"
  | "Failed_BarredReceiver"
  | "Failed_Deleted"
  | "Failed_Expired"
  | "Failed_Undelivered"
  | "Failed_Rejected";

/** PSWin delivery states (wiki "Delivery-Report-Status"). BARREDA and ZEROBAL are premium-SMS only. */
const resultByState: Readonly<Record<string, SmsDeliveryResult>> = {
  DELIVRD: "Delivered",
  UNDELIV: "Failed_Undelivered",
  EXPIRED: "Failed_Expired",
  DELETED: "Failed_Deleted",
  BARRED: "Failed_BarredReceiver",
  REJECTD: "Failed_Rejected",
  UNKNOWN: "Failed",
  FAILED: "Failed",
  NULL: "Failed",
};

/**
 * One report, shaped to fit the `ParsedDeliveryReport` port (`reference`, `status`); `gatewayReference` and
 * `result` name the same values. `raw` is a one-message PSWin document, so re-parsing it gives this report.
 */
type SmsDeliveryReport =
  | {
      valid: true;
      provider: "link";
      reference: string;
      gatewayReference: string;
      status: SmsDeliveryResult;
      result: SmsDeliveryResult;
      /** As LINK sent it: "yyyy.MM.dd HH:mm:ss", SMSC local time. */
      deliveryTime?: string;
      raw: string;
    }
  | { valid: false; provider: "link"; reason: string; raw: unknown };

/** Compile-time proof that these reports go to the delivery-report use case unchanged. */
type _FitsPort<Report extends ParsedDeliveryReport = SmsDeliveryReport> = Report;

const acceptedContentTypes = ["application/xml", "text/xml", "text/plain"];

function invalid(reason: string, raw: unknown): SmsDeliveryReport {
  return { valid: false, provider: "link", reason, raw };
}

function toReport(message: PswinDeliveryReportMessage, raw: string): SmsDeliveryReport {
  if (!message.reference) return invalid("missing REF", raw);
  if (!message.receiver || !message.state) return invalid("missing RCV or STATE", raw);
  const result = resultByState[message.state.toUpperCase()];
  // Unlike Altinn (which maps unparseable states to UNKNOWN → Failed), an unknown state goes to an operator.
  if (!result) return invalid(`unknown STATE ${JSON.stringify(message.state)}`, raw);
  return {
    valid: true,
    provider: "link",
    reference: message.reference,
    gatewayReference: message.reference,
    status: result,
    result,
    ...(message.deliveryTime ? { deliveryTime: message.deliveryTime } : {}),
    raw,
  };
}

function bodyText(body: unknown): string | undefined {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  return undefined;
}

/**
 * Parses a LINK (PSWin XML) delivery report as POSTed to us. A document may hold several reports; each
 * becomes one entry. Never throws: malformed documents, missing fields and unknown states become invalid
 * reports (Altinn answers 400 to malformed documents and dead-letters the rest).
 */
export function parseSmsDeliveryReport(body: unknown, contentType?: string): SmsDeliveryReport[] {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType && !acceptedContentTypes.includes(mediaType)) {
    return [invalid(`unsupported content type ${mediaType}`, body)];
  }
  const text = bodyText(body);
  if (text === undefined || text.trim() === "") return [invalid("empty or non-text body", body)];
  let messages: PswinDeliveryReportMessage[];
  try {
    messages = parseDeliveryReportXml(text);
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    return [invalid(`not a PSWin delivery report: ${error.message}`, text)];
  }
  const [only] = messages;
  if (only && messages.length === 1) return [toReport(only, text)];
  return messages.map((message) => toReport(message, deliveryReportXml([message])));
}
