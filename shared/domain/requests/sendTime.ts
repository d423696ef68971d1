import { z } from "zod";
import { currentRequestTime } from "./requestTime";
import { latestSendTimeMs, schedulingHorizonText } from "./timeLimits";

/**
 * Send times as Altinn reads them (a .NET `DateTime` from System.Text.Json): ISO 8601 with an offset or `Z`,
 * judged against the request time, and stored as UTC ISO strings. Unlike Altinn, a send time also has an upper
 * bound, the scheduling horizon of `timeLimits.ts`.
 */

interface SendTimeRules {
  /** Message when the value carries no offset or `Z` (a .NET `DateTimeKind.Unspecified`). */
  missingTimeZone: string;
  /** Message when the time is earlier than the request time minus `toleranceMs`. */
  tooEarly: string;
  toleranceMs: number;
  /** Message when the time is later than the scheduling horizon allows. */
  tooLate: string;
}

const notADateTimeMessage =
  "The value must be a date and time in ISO 8601 format, e.g. 2026-09-01T08:00:00Z.";

/**
 * A point in time with an explicit offset, output as a UTC ISO string (`2026-09-01T06:00:00.000Z`).
 * Absent stays absent; see `sendTimeOrNow` for the field that defaults to the request time.
 */
export function sendTime(rules: SendTimeRules) {
  return z
    .string()
    .meta({
      format: "date-time",
      description: `ISO 8601 with an offset or Z; at most ${schedulingHorizonText} after the request.`,
    })
    .transform((text, ctx) => {
      const parsed = parseIsoDateTime(text);
      if (parsed === "invalid") {
        ctx.addIssue({ code: "custom", message: notADateTimeMessage });
        return z.NEVER;
      }
      if (parsed === "no-time-zone") {
        ctx.addIssue({ code: "custom", message: rules.missingTimeZone });
        return z.NEVER;
      }
      if (parsed.getTime() < currentRequestTime().getTime() - rules.toleranceMs) {
        ctx.addIssue({ code: "custom", message: rules.tooEarly });
        return z.NEVER;
      }
      if (parsed.getTime() > latestSendTimeMs(currentRequestTime())) {
        // The request fails, but the time is still passed on (a valid Date: parseIsoDateTime stops at year
        // 9999) so that reminders counted from it are reported in the same response.
        ctx.addIssue({ code: "custom", message: rules.tooLate });
      }
      return parsed.toISOString();
    });
}

/** `sendTime` that defaults to the request time ("send now") when omitted. */
export function sendTimeOrNow(rules: SendTimeRules) {
  return sendTime(rules)
    .optional()
    .transform((time) => time ?? currentRequestTime().toISOString());
}

/** .NET's DateTimeOffset range: -14:00..+14:00. */
const maxOffsetMinutes = 14 * 60;

const isoDateTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Reads an ISO 8601 date-time as System.Text.Json does for a `DateTime`: a value without offset is valid
 * but zone-less, which Altinn rejects with its own message, so it is told apart from garbage.
 */
export function parseIsoDateTime(text: string): Date | "no-time-zone" | "invalid" {
  const match = isoDateTimePattern.exec(text);
  if (!match) return "invalid";
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", offset] = match;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  const time = { hour: Number(hour), minute: Number(minute), second: Number(second) };
  const daysInMonth = new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
  const inRange =
    date.month >= 1 &&
    date.month <= 12 &&
    date.day >= 1 &&
    date.day <= daysInMonth &&
    time.hour <= 23 &&
    time.minute <= 59 &&
    time.second <= 59;
  if (!inRange) return "invalid";
  if (offset === undefined) return "no-time-zone";
  const offsetInMinutes = offsetMinutes(offset);
  if (Math.abs(offsetInMinutes) > maxOffsetMinutes || Number(offset.slice(4, 6)) > 59) return "invalid";

  const milliseconds = Number(fraction.padEnd(3, "0").slice(0, 3));
  const localAsUtc = Date.UTC(
    date.year,
    date.month - 1,
    date.day,
    time.hour,
    time.minute,
    time.second,
    milliseconds,
  );
  return new Date(localAsUtc - offsetInMinutes * 60_000);
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === "Z") return 0;
  const sign = offset.startsWith("-") ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
