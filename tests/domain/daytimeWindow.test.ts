import { describe, expect, it } from "vitest";
import { notificationExpiry } from "../../shared/domain/expiry";
import { easterSunday, norwegianPublicHolidays } from "../../shared/domain/norwegianHolidays";
import { defaultSendingWindow, isInsideSendingWindow, nextSendTime } from "../../shared/domain/sendingWindow";

/** Easter by the Meeus/Jones/Butcher Gregorian algorithm, as an independent check of the implementation. */
function meeusEaster(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

const iso = ({ year, month, day }: { year: number; month: number; day: number }) =>
  `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

describe("Norwegian public holidays", () => {
  it.each([
    [2024, "2024-03-31"],
    [2025, "2025-04-20"],
    [2026, "2026-04-05"],
    [2027, "2027-03-28"],
    [2038, "2038-04-25"],
    [2040, "2040-04-01"],
  ])("puts Easter Sunday %i on %s", (year, date) => {
    expect(iso(easterSunday(year))).toBe(date);
  });

  it("agrees with an independent Easter algorithm for every year 2024–2040", () => {
    for (let year = 2024; year <= 2040; year += 1)
      expect(iso(easterSunday(year)), String(year)).toBe(meeusEaster(year));
  });

  it("lists the twelve public holidays of 2026", () => {
    expect(
      norwegianPublicHolidays(2026)
        .map((h) => h.date)
        .sort(),
    ).toEqual([
      "2026-01-01",
      "2026-04-02",
      "2026-04-03",
      "2026-04-05",
      "2026-04-06",
      "2026-05-01",
      "2026-05-14",
      "2026-05-17",
      "2026-05-24",
      "2026-05-25",
      "2026-12-25",
      "2026-12-26",
    ]);
  });
});

const at = (text: string) => new Date(text);
const daytime = (text: string) => nextSendTime(at(text), "Daytime", defaultSendingWindow).toISOString();

describe("the Daytime window, 09:00–17:00 Europe/Oslo on working days", () => {
  it.each([
    ["08:59:59 waits for 09:00", "2026-11-23T08:59:59+01:00", "2026-11-23T08:00:00.000Z"],
    ["09:00 goes at once", "2026-11-23T09:00:00+01:00", "2026-11-23T08:00:00.000Z"],
    ["16:59:59 goes at once", "2026-11-23T16:59:59+01:00", "2026-11-23T15:59:59.000Z"],
    ["17:00 waits for the next morning", "2026-11-23T17:00:00+01:00", "2026-11-24T08:00:00.000Z"],
    ["Friday 17:00 waits for Monday", "2026-11-27T17:00:00+01:00", "2026-11-30T08:00:00.000Z"],
    ["Saturday evening waits for Monday", "2026-11-21T20:00:00+01:00", "2026-11-23T08:00:00.000Z"],
    [
      "Maundy Thursday evening waits for the Tuesday after Easter Monday",
      "2026-04-02T18:00:00+02:00",
      "2026-04-07T07:00:00.000Z",
    ],
    [
      "16 May evening waits past 17 May (2028, a Wednesday)",
      "2028-05-16T18:00:00+02:00",
      "2028-05-18T07:00:00.000Z",
    ],
    [
      "Christmas Eve evening waits for 28 December (25, 26 closed, 27 a Sunday)",
      "2026-12-24T18:00:00+01:00",
      "2026-12-28T08:00:00.000Z",
    ],
    [
      "the Saturday before summer time waits for Monday 09:00 summer time",
      "2026-03-28T12:00:00+01:00",
      "2026-03-30T07:00:00.000Z",
    ],
    [
      "the Friday evening before winter time waits for Monday 09:00 winter time",
      "2026-10-23T18:00:00+02:00",
      "2026-10-26T08:00:00.000Z",
    ],
    [
      "New Year's Eve evening waits for the first working day, Monday 4 January 2027",
      "2026-12-31T18:00:00+01:00",
      "2027-01-04T08:00:00.000Z",
    ],
  ])("%s", (_label, ordered, expected) => {
    expect(daytime(ordered)).toBe(expected);
  });

  it("sends Anytime messages at once, whatever the day", () => {
    expect(nextSendTime(at("2026-12-25T03:00:00+01:00"), "Anytime", defaultSendingWindow).toISOString()).toBe(
      "2026-12-25T02:00:00.000Z",
    );
  });

  it("closes extra dates and opens holidays when configured", () => {
    const window = { ...defaultSendingWindow, extraClosedDates: ["2026-12-28"] };
    expect(nextSendTime(at("2026-12-24T18:00:00+01:00"), "Daytime", window).toISOString()).toBe(
      "2026-12-29T08:00:00.000Z",
    );
    const noHolidays = { ...defaultSendingWindow, holidays: "none" as const };
    expect(isInsideSendingWindow(at("2026-05-14T10:00:00+02:00"), noHolidays)).toBe(true);
    expect(isInsideSendingWindow(at("2026-05-14T10:00:00+02:00"), defaultSendingWindow)).toBe(false);
  });
});

describe("expiry", () => {
  const expiry = (policy: "Anytime" | "Daytime", requested: string) =>
    notificationExpiry({
      channel: "sms",
      policy,
      requestedSendTime: at(requested),
      window: defaultSendingWindow,
    }).toISOString();

  it("is 48 hours after the send time, anchored to the window for Daytime", () => {
    expect(expiry("Anytime", "2026-11-21T22:00:00+01:00")).toBe("2026-11-23T21:00:00.000Z");
    expect(expiry("Daytime", "2026-11-23T10:00:00+01:00")).toBe("2026-11-25T09:00:00.000Z");
    expect(expiry("Daytime", "2026-11-21T22:00:00+01:00")).toBe("2026-11-25T08:00:00.000Z");
  });
});
