import type { ValidationResult } from "./validate";

/** Whose notifications a support lookup asks for: one person or one organisation, as a recipient. */
export type SupportRecipient = { nationalIdentityNumber: string } | { organizationNumber: string };

interface DashboardQuery {
  recipient: SupportRecipient;
  from: Date;
  to: Date;
}

const day = 24 * 3600 * 1000;

/** A query value as ASP.NET's DateTime binding reads it: ISO 8601; without an offset it is taken as UTC. */
function parseDate(text: string): Date | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) return undefined;
  const hasOffset = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed);
  const date = new Date(hasOffset ? trimmed : `${trimmed.includes("T") ? trimmed : `${trimmed}T00:00:00`}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Altinn's `DashboardNotificationRequestValidator` and the recipient validators (11 or 9 digits, no check
 * digit, as Altinn): the recipient comes from a required header, `from`/`to` from the query (default: the last
 * 7 days).
 */
export function parseDashboardQuery(
  kind: "nin" | "orgnumber",
  header: string | null,
  fromText: string | null,
  toText: string | null,
  now: Date,
): ValidationResult<DashboardQuery> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  const headerName = kind === "nin" ? "NationalIdentityNumber" : "OrganizationNumber";
  const value = header?.trim() ?? "";
  if (header === null)
    add(headerName, `A value for the '${headerName}' parameter or property was not provided.`);
  else if (value === "") add(headerName, `'${headerName}' is required and cannot be empty`);
  else if (kind === "nin" && !/^\d{11}$/.test(value))
    add(headerName, "National identity number must be 11 digits long.");
  else if (kind === "orgnumber" && !/^\d{9}$/.test(value))
    add(headerName, "Organization number must be 9 digits long.");

  const from = fromText === null ? undefined : parseDate(fromText);
  const to = toText === null ? undefined : parseDate(toText);
  if (fromText !== null && !from) add("From", `The value '${fromText}' is not valid for From.`);
  if (toText !== null && !to) add("To", `The value '${toText}' is not valid for To.`);
  if (from && to && from >= to) add("From", "'from' must be earlier than 'to'.");
  if (from && from > now) add("From", "'from' must not be in the future.");
  if (from && from.getTime() < now.getTime() - 3652.5 * day)
    add("From", "'from' must not be earlier than 10 years ago.");
  if (to && to > now) add("To", "'to' must not be in the future.");
  if (to && fromText === null && to.getTime() <= now.getTime() - 7 * day)
    add("To", "'to' must be later than the default 'from' (7 days ago).");
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      recipient: kind === "nin" ? { nationalIdentityNumber: value } : { organizationNumber: value },
      from: from ?? new Date(now.getTime() - 7 * day),
      to: to ?? now,
    },
  };
}
