/**
 * The bounds on every time a client sends, in one place: each request schema takes its limits from here, and
 * the README and the OpenAPI document describe these values.
 *
 * Altinn has no upper bound on a send time: its validators only require "now or later", and a reminder's time
 * is `RequestedSendTime.AddDays(DelayDays)` with `DelayDays` any positive `int`, which throws (an HTTP 500)
 * once the result passes year 9999. varsel stores send times as ISO strings that the release query compares as
 * text, so a time past 9999-12-31 ("+010000-…") would sort first and stop scheduled sending for everyone. Ten
 * years is far beyond any notification a service owner schedules (a generous bound, so no Altinn client doing
 * something sensible is refused), and keeps every accepted time a four-digit year and all arithmetic on client
 * values far inside what a `Date` can hold.
 */

const dayMs = 24 * 60 * 60 * 1000;

/** The horizon in whole years, as the messages and documentation state it. */
const schedulingHorizonYears = 10;

/**
 * The horizon in days: 365 a year plus 3, the most leap days any ten consecutive years hold, so the same date
 * ten calendar years ahead is always inside it.
 */
const schedulingHorizonDays = 3653;

/** "3653 days (10 years)", for messages and descriptions. */
export const schedulingHorizonText = `${schedulingHorizonDays} days (${schedulingHorizonYears} years)`;

/** The latest send time accepted in a request received at `now`, in epoch milliseconds (inclusive). */
export function latestSendTimeMs(now: Date): number {
  return now.getTime() + schedulingHorizonDays * dayMs;
}

/**
 * A reminder's `delayDays`: at least Altinn's 1 day, and no more than the horizon, since the main order is not
 * earlier than now. The sum with the main send time is bounded separately.
 */
export const delayDaysLimits = { min: 1, max: schedulingHorizonDays } as const;

/**
 * The send time `delayDays` after `sendTimeMs`, in epoch milliseconds. Plain arithmetic, so it cannot throw
 * whatever the inputs; compare it with `latestSendTimeMs` before making a `Date` of it.
 */
export function delayedSendTimeMs(sendTimeMs: number, delayDays: number): number {
  return sendTimeMs + delayDays * dayMs;
}

/** An instant SMS's time-to-live (Altinn `ShortMessageDeliveryDetailsValidator`): one minute to 48 hours. */
export const instantSmsTimeToLiveSeconds = { min: 60, max: 48 * 60 * 60 } as const;
