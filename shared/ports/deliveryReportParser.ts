import type { EmailResult, SmsResult } from "../domain/statuses";

/** A provider's delivery report reduced to what we apply: whose it is and what happened. */
export type ParsedDeliveryReport =
  | { valid: true; provider: "acs"; reference: string; status: EmailResult; raw: unknown }
  | { valid: true; provider: "link"; reference: string; status: SmsResult; raw: unknown }
  | { valid: false; provider: "acs" | "link"; reason: string; raw: unknown };

export type DeliveryReportParser = (
  provider: "acs" | "link",
  payload: unknown,
  contentType?: string,
) => ParsedDeliveryReport[];
