import { z } from "zod";
import { AppError } from "../errors";
import { addCivilDays, formatCivilDate, isNorwegianPublicHoliday, type CivilDate } from "./norwegianHolidays";
import type { SendingTimePolicy } from "./order";

/**
 * When `Daytime` messages may go out. The window is half-open, [startHour:00, endHour:00) local time:
 * a message due at exactly 09:00:00 goes at 09:00:00 and one due at exactly 17:00:00 waits for the next
 * window. (Altinn's `CanSendSmsNow` uses strict `09:00 < t < 17:00`, which needlessly holds a 09:00 message.)
 *
 * Unlike Altinn's code, which only checks the clock, the default also closes weekends and Norwegian public
 * holidays, as Altinn's service description promises.
 */
export const sendingWindowSchema = z
  .object({
    startHour: z.number().int().min(0).max(23),
    /** Exclusive; 24 means "until midnight". */
    endHour: z.number().int().min(1).max(24),
    timeZone: z.string().refine(isKnownTimeZone, { message: "unknown IANA time zone" }),
    /** When true, Saturdays and Sundays are closed. */
    workingDaysOnly: z.boolean(),
    holidays: z.enum(["NO", "none"]),
    /** Further closed local dates (YYYY-MM-DD), e.g. Christmas Eve. */
    extraClosedDates: z.array(z.iso.date()).optional(),
  })
  .refine((window) => window.startHour < window.endHour, { message: "startHour must be before endHour" });
export type SendingWindow = z.infer<typeof sendingWindowSchema>;

export const defaultSendingWindow: SendingWindow = {
  startHour: 9,
  endHour: 17,
  timeZone: "Europe/Oslo",
  workingDaysOnly: true,
  holidays: "NO",
};

/** The earliest instant at or after `at` at which a message with this policy may be handed to a gateway. */
export function nextSendTime(at: Date, policy: SendingTimePolicy, window: SendingWindow): Date {
  if (policy === "Anytime" || isInsideSendingWindow(at, window)) return at;
  const local = localDateTime(at, window.timeZone);
  let day: CivilDate = local;
  if (!(isOpenDay(day, window) && local.hour < window.startHour)) day = addCivilDays(day, 1);
  // A year of closed days can only come from a misconfigured extraClosedDates; fail loudly rather than loop.
  for (let checked = 0; checked < 366; checked += 1, day = addCivilDays(day, 1)) {
    if (isOpenDay(day, window))
      return instantOfLocalTime({ ...day, hour: window.startHour }, window.timeZone);
  }
  throw new AppError("permanent", "sending window has no open day within a year");
}

export function isInsideSendingWindow(at: Date, window: SendingWindow): boolean {
  const local = localDateTime(at, window.timeZone);
  return local.hour >= window.startHour && local.hour < window.endHour && isOpenDay(local, window);
}

function isOpenDay(date: CivilDate, window: SendingWindow): boolean {
  if (window.workingDaysOnly && isWeekend(date)) return false;
  if (window.holidays === "NO" && isNorwegianPublicHoliday(date)) return false;
  return !(window.extraClosedDates ?? []).includes(formatCivilDate(date));
}

function isWeekend({ year, month, day }: CivilDate): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

// ---- Wall-clock conversion with Intl only (no time-zone library) ----

interface LocalDateTime extends CivilDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // hourCycle h23 rather than hour12:false, which renders midnight as "24" in some ICU versions.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localDateTime(at: Date, timeZone: string): LocalDateTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = parts;
  if (year === undefined || month === undefined || day === undefined || hour === undefined) {
    throw new AppError("permanent", `cannot read local time in ${timeZone}`);
  }
  return { year, month, day, hour, minute: minute ?? 0, second: second ?? 0 };
}

/** Milliseconds to add to UTC to get local wall-clock time at that instant (+1 h / +2 h for Oslo). */
function utcOffsetMs(at: number, timeZone: string): number {
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  const local = localDateTime(new Date(wholeSecond), timeZone);
  const wallAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return wallAsUtc - wholeSecond;
}

/**
 * The instant a local wall-clock time denotes. Ambiguous times (autumn overlap) take the earlier instant;
 * times skipped by a spring-forward gap move forward by the gap, so a window starting inside a gap opens
 * when the gap ends (Temporal's "compatible" disambiguation). Assumes at most one offset change within a day.
 */
export function instantOfLocalTime(local: CivilDate & { hour: number }, timeZone: string): Date {
  const wallAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour);
  const offsetBefore = utcOffsetMs(wallAsUtc - 86_400_000, timeZone);
  const offsetAfter = utcOffsetMs(wallAsUtc + 86_400_000, timeZone);
  const candidates = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter].filter(
    (candidate) => utcOffsetMs(candidate, timeZone) === wallAsUtc - candidate,
  );
  return new Date(candidates.length > 0 ? Math.min(...candidates) : wallAsUtc - offsetBefore);
}
