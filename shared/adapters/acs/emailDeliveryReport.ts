import { z } from "zod";
import type { ParsedDeliveryReport } from "../../ports/deliveryReportParser";

export const emailDeliveryReportEventType = "Microsoft.Communication.EmailDeliveryReportReceived";

/** The final statuses an ACS delivery report can give a notification (Altinn `Utils.ParseDeliveryStatus`). */
type EmailDeliveryStatus =
  | "Delivered"
  | "Failed"
  | "Failed_Bounced"
  | "Failed_FilteredSpam"
  | "Failed_Quarantined"
  | "Failed_SupressedRecipient";

const statusByAcsStatus: Readonly<Record<string, EmailDeliveryStatus>> = {
  delivered: "Delivered",
  expanded: "Failed",
  failed: "Failed",
  bounced: "Failed_Bounced",
  filteredspam: "Failed_FilteredSpam",
  quarantined: "Failed_Quarantined",
  suppressed: "Failed_SupressedRecipient",
};

interface DeliveryStatusDetails {
  statusMessage?: string;
  recipientMailServerHostName?: string;
}

/**
 * One report, shaped to fit the `ParsedDeliveryReport` port: `reference` is the operation id (ACS's
 * `messageId`), and `raw` is the single event, so re-parsing `raw` gives this report again.
 */
type EmailDeliveryReport =
  | {
      valid: true;
      provider: "acs";
      reference: string;
      operationId: string;
      status: EmailDeliveryStatus;
      deliveryStatusDetails?: DeliveryStatusDetails;
      raw: unknown;
    }
  | { valid: false; provider: "acs"; reason: string; raw: unknown };

/** Compile-time proof that these reports go to the delivery-report use case unchanged. */
type _FitsPort<Report extends ParsedDeliveryReport = EmailDeliveryReport> = Report;

const reportDataSchema = z.looseObject({
  messageId: z.string().trim().min(1).nullish(),
  status: z.string().nullish(),
  deliveryStatusDetails: z
    .looseObject({ statusMessage: z.string().nullish(), recipientMailServerHostName: z.string().nullish() })
    .nullish(),
});

/** Event Grid schema (what Altinn subscribes with) and CloudEvents 1.0 schema, as Event Grid puts them on a queue. */
const eventSchema = z.union([
  z
    .looseObject({ eventType: z.string(), data: z.unknown() })
    .transform((e) => ({ type: e.eventType, data: e.data })),
  z.looseObject({ specversion: z.string(), type: z.string(), data: z.unknown() }),
]);

function invalid(reason: string, raw: unknown): EmailDeliveryReport {
  return { valid: false, provider: "acs", reason, raw };
}

function details(
  value: z.infer<typeof reportDataSchema>["deliveryStatusDetails"],
): DeliveryStatusDetails | undefined {
  if (!value) return undefined;
  const result: DeliveryStatusDetails = {};
  if (value.statusMessage) result.statusMessage = value.statusMessage;
  if (value.recipientMailServerHostName)
    result.recipientMailServerHostName = value.recipientMailServerHostName;
  return Object.keys(result).length > 0 ? result : undefined;
}

function parseEvent(raw: unknown): EmailDeliveryReport {
  const event = eventSchema.safeParse(raw);
  if (!event.success) return invalid("not an Event Grid or CloudEvents event", raw);
  if (event.data.type !== emailDeliveryReportEventType)
    return invalid(`unexpected event type ${event.data.type}`, raw);
  const data = reportDataSchema.safeParse(event.data.data);
  if (!data.success) return invalid("event data is not an email delivery report", raw);
  const { messageId, status } = data.data;
  if (!messageId) return invalid("missing messageId", raw);
  const mapped = status ? statusByAcsStatus[status.toLowerCase()] : undefined;
  if (!mapped) return invalid(`unknown delivery status ${JSON.stringify(status ?? null)}`, raw);
  const statusDetails = details(data.data.deliveryStatusDetails);
  return {
    valid: true,
    provider: "acs",
    reference: messageId,
    operationId: messageId,
    status: mapped,
    ...(statusDetails ? { deliveryStatusDetails: statusDetails } : {}),
    raw,
  };
}

/** Service Bus hands the body over as parsed JSON, a string or bytes depending on the trigger binding. */
function decodeBody(message: unknown): { ok: true; value: unknown } | { ok: false } {
  const text =
    typeof message === "string"
      ? message
      : message instanceof Uint8Array
        ? Buffer.from(message).toString("utf8")
        : undefined;
  if (text === undefined) return { ok: true, value: message };
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

/**
 * Parses an `EmailDeliveryReportReceived` queue message: one event or an array of events, in Event Grid or
 * CloudEvents schema. Never throws; anything unusable becomes an invalid report for the dead-report store
 * (Altinn dead-letters these without retry). Status mapping per Altinn: Expanded and Failed → Failed.
 */
export function parseEmailDeliveryReport(message: unknown): EmailDeliveryReport[] {
  const body = decodeBody(message);
  if (!body.ok) return [invalid("body is not JSON", message)];
  if (Array.isArray(body.value)) {
    return body.value.length > 0 ? body.value.map(parseEvent) : [invalid("empty event array", message)];
  }
  return [parseEvent(body.value)];
}
