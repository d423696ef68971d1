import { describe, expect, it } from "vitest";
import { isAppError } from "../../shared/errors";
import { formatCivilDate, addCivilDays } from "../../shared/domain/norwegianHolidays";
import {
  defaultSendingWindow,
  instantOfLocalTime,
  isInsideSendingWindow,
  nextSendTime,
  sendingWindowSchema,
  type SendingWindow,
} from "../../shared/domain/sendingWindow";

// Every instant is written with its Oslo offset (+01:00 winter, +02:00 summer) and every expectation in UTC,
// so a test fails if the code confuses local and UTC hours.
const daytime = (ordered: string, window: SendingWindow = defaultSendingWindow) =>
  nextSendTime(new Date(ordered), "Daytime", window).toISOString();
const inside = (at: string, window: SendingWindow = defaultSendingWindow) =>
  isInsideSendingWindow(new Date(at), window);

/** Altinn's own rule: 09–17 every day, no weekend or holiday closure. */
const everyDay: SendingWindow = { ...defaultSendingWindow, workingDaysOnly: false, holidays: "none" };

describe("the window edges, [09:00, 17:00) Oslo time", () => {
  it.each([
    ["00:00:00 waits for 09:00 the same day", "2025-11-25T00:00:00+01:00", "2025-11-25T08:00:00.000Z"],
    ["08:59:59 waits for 09:00", "2025-11-25T08:59:59+01:00", "2025-11-25T08:00:00.000Z"],
    ["08:59:59.999 waits for 09:00", "2025-11-25T08:59:59.999+01:00", "2025-11-25T08:00:00.000Z"],
    ["09:00:00 goes at once", "2025-11-25T09:00:00+01:00", "2025-11-25T08:00:00.000Z"],
    ["16:59:59 goes at once", "2025-11-25T16:59:59+01:00", "2025-11-25T15:59:59.000Z"],
    ["16:59:59.999 goes at once", "2025-11-25T16:59:59.999+01:00", "2025-11-25T15:59:59.999Z"],
    ["17:00:00 waits for the next morning", "2025-11-25T17:00:00+01:00", "2025-11-26T08:00:00.000Z"],
    ["23:59:59 waits for the next morning", "2025-11-25T23:59:59+01:00", "2025-11-26T08:00:00.000Z"],
    ["08:59:59 in summer waits for 09:00 CEST", "2025-06-10T08:59:59+02:00", "2025-06-10T07:00:00.000Z"],
    ["17:00:00 in summer waits for 09:00 CEST", "2025-06-10T17:00:00+02:00", "2025-06-11T07:00:00.000Z"],
  ])("%s", (_label, ordered, expected) => {
    expect(daytime(ordered)).toBe(expected);
  });

  it("reports the edges consistently with nextSendTime", () => {
    expect(inside("2025-11-25T08:59:59.999+01:00")).toBe(false);
    expect(inside("2025-11-25T09:00:00+01:00")).toBe(true);
    expect(inside("2025-11-25T16:59:59.999+01:00")).toBe(true);
    expect(inside("2025-11-25T17:00:00+01:00")).toBe(false);
  });
});

describe("weekends and Norwegian public holidays", () => {
  it.each([
    ["Friday 17:00 → Monday 09:00", "2025-11-28T17:00:00+01:00", "2025-12-01T08:00:00.000Z"],
    ["Saturday evening → Monday 09:00", "2025-11-29T21:00:00+01:00", "2025-12-01T08:00:00.000Z"],
    [
      "Saturday noon (clock hours, closed day) → Monday 09:00",
      "2025-11-29T12:00:00+01:00",
      "2025-12-01T08:00:00.000Z",
    ],
    [
      "Maundy Thursday evening → Tuesday after Easter Monday",
      "2025-04-17T18:00:00+02:00",
      "2025-04-22T07:00:00.000Z",
    ],
    ["Maundy Thursday 10:00 (a holiday) → Tuesday", "2025-04-17T10:00:00+02:00", "2025-04-22T07:00:00.000Z"],
    ["Wednesday before Easter, 17:30 → Tuesday", "2025-04-16T17:30:00+02:00", "2025-04-22T07:00:00.000Z"],
    ["16 May evening (Wednesday) → 18 May", "2029-05-16T18:00:00+02:00", "2029-05-18T07:00:00.000Z"],
    [
      "Friday 14 May 2027 → Tuesday 18 May (17 May is also Whit Monday)",
      "2027-05-14T18:00:00+02:00",
      "2027-05-18T07:00:00.000Z",
    ],
    ["the eve of Ascension Day → Friday", "2026-05-13T18:00:00+02:00", "2026-05-15T07:00:00.000Z"],
    ["Friday before Whitsun → Tuesday", "2025-06-06T18:00:00+02:00", "2025-06-10T07:00:00.000Z"],
    ["24 Dec 2024 (Tuesday) evening → 27 Dec", "2024-12-24T18:00:00+01:00", "2024-12-27T08:00:00.000Z"],
    [
      "24 Dec 2025 (Wednesday) evening → Monday 29 Dec (27–28 a weekend)",
      "2025-12-24T18:00:00+01:00",
      "2025-12-29T08:00:00.000Z",
    ],
    ["New Year's Eve evening → 2 January", "2025-12-31T18:00:00+01:00", "2026-01-02T08:00:00.000Z"],
  ])("%s", (_label, ordered, expected) => {
    expect(daytime(ordered)).toBe(expected);
  });

  it("keeps Christmas Eve itself a working day (it is not a public holiday)", () => {
    expect(inside("2024-12-24T10:00:00+01:00")).toBe(true);
  });

  it("can close extra dates, e.g. Christmas Eve", () => {
    const window = { ...defaultSendingWindow, extraClosedDates: ["2024-12-24"] };
    expect(daytime("2024-12-23T18:00:00+01:00", window)).toBe("2024-12-27T08:00:00.000Z");
    expect(inside("2024-12-24T10:00:00+01:00", window)).toBe(false);
  });

  it("opens holidays with holidays: none and weekends with workingDaysOnly: false", () => {
    expect(inside("2027-05-17T10:00:00+02:00")).toBe(false);
    expect(inside("2027-05-17T10:00:00+02:00", { ...defaultSendingWindow, holidays: "none" })).toBe(true);
    expect(inside("2025-11-29T10:00:00+01:00", { ...defaultSendingWindow, holidays: "none" })).toBe(false);
    expect(inside("2025-11-29T10:00:00+01:00", { ...defaultSendingWindow, workingDaysOnly: false })).toBe(
      true,
    );
    expect(daytime("2025-11-29T21:00:00+01:00", everyDay)).toBe("2025-11-30T08:00:00.000Z");
  });
});

describe("daylight-saving shifts (spring forward 29 March 2026, fall back 25 October 2026)", () => {
  it.each([
    ["Friday before spring-forward, 08:30 CET", "2026-03-27T08:30:00+01:00", "2026-03-27T08:00:00.000Z"],
    [
      "Friday before spring-forward, 17:00 CET → Monday 09:00 CEST",
      "2026-03-27T17:00:00+01:00",
      "2026-03-30T07:00:00.000Z",
    ],
    [
      "Saturday before spring-forward → Monday 09:00 CEST",
      "2026-03-28T12:00:00+01:00",
      "2026-03-30T07:00:00.000Z",
    ],
    ["Sunday 01:30 CET, just before the shift", "2026-03-29T00:30:00Z", "2026-03-30T07:00:00.000Z"],
    ["Sunday 03:00 CEST, just after the shift", "2026-03-29T01:00:00Z", "2026-03-30T07:00:00.000Z"],
    ["Monday after spring-forward, 08:59:59 CEST", "2026-03-30T08:59:59+02:00", "2026-03-30T07:00:00.000Z"],
    ["Monday after spring-forward, 17:00 CEST", "2026-03-30T17:00:00+02:00", "2026-03-31T07:00:00.000Z"],
    [
      "Friday before fall-back, 17:00 CEST → Monday 09:00 CET",
      "2026-10-23T17:00:00+02:00",
      "2026-10-26T08:00:00.000Z",
    ],
    ["Sunday 02:30 CEST (first pass)", "2026-10-25T00:30:00Z", "2026-10-26T08:00:00.000Z"],
    ["Sunday 02:30 CET (second pass)", "2026-10-25T01:30:00Z", "2026-10-26T08:00:00.000Z"],
    ["Monday after fall-back, 08:59:59 CET", "2026-10-26T08:59:59+01:00", "2026-10-26T08:00:00.000Z"],
    [
      "Monday after fall-back, 16:59:59 CET goes at once",
      "2026-10-26T16:59:59+01:00",
      "2026-10-26T15:59:59.000Z",
    ],
  ])("%s", (_label, ordered, expected) => {
    expect(daytime(ordered)).toBe(expected);
  });

  it.each([
    [
      "Saturday evening → the spring-forward Sunday, 09:00 CEST",
      "2026-03-28T18:00:00+01:00",
      "2026-03-29T07:00:00.000Z",
    ],
    [
      "the spring-forward Sunday before dawn → 09:00 CEST",
      "2026-03-29T00:30:00Z",
      "2026-03-29T07:00:00.000Z",
    ],
    [
      "Saturday evening → the fall-back Sunday, 09:00 CET",
      "2026-10-24T18:00:00+02:00",
      "2026-10-25T08:00:00.000Z",
    ],
    ["the fall-back Sunday before dawn → 09:00 CET", "2026-10-25T00:30:00Z", "2026-10-25T08:00:00.000Z"],
  ])("every-day window: %s", (_label, ordered, expected) => {
    expect(daytime(ordered, everyDay)).toBe(expected);
  });

  it("opens a window whose start hour is skipped by spring-forward when the gap ends", () => {
    const earlyWindow = { ...everyDay, startHour: 2, endHour: 4 };
    expect(daytime("2026-03-28T05:00:00+01:00", earlyWindow)).toBe("2026-03-29T01:00:00.000Z"); // 03:00 CEST
    expect(inside("2026-03-29T01:00:00Z", earlyWindow)).toBe(true);
  });

  it("opens a window whose start hour occurs twice at fall-back at the first occurrence", () => {
    const earlyWindow = { ...everyDay, startHour: 2, endHour: 4 };
    expect(daytime("2026-10-24T05:00:00+02:00", earlyWindow)).toBe("2026-10-25T00:00:00.000Z"); // 02:00 CEST
    expect(instantOfLocalTime({ year: 2026, month: 10, day: 25, hour: 2 }, "Europe/Oslo").toISOString()).toBe(
      "2026-10-25T00:00:00.000Z",
    );
  });

  it("works in another zone with other DST dates (America/New_York, 8 March 2026)", () => {
    const newYork = { ...everyDay, timeZone: "America/New_York" };
    expect(daytime("2026-01-10T18:00:00-05:00", newYork)).toBe("2026-01-11T14:00:00.000Z");
    expect(daytime("2026-03-07T18:00:00-05:00", newYork)).toBe("2026-03-08T13:00:00.000Z");
  });
});

describe("policies and configuration", () => {
  it("sends Anytime messages at the requested instant, even on a closed day at night", () => {
    const at = new Date("2025-12-25T03:00:00+01:00");
    expect(nextSendTime(at, "Anytime", defaultSendingWindow).getTime()).toBe(at.getTime());
  });

  it("honours configured hours, including endHour 24 for until midnight", () => {
    const lateWindow = { ...defaultSendingWindow, startHour: 12, endHour: 24 };
    expect(daytime("2025-11-25T11:00:00+01:00", lateWindow)).toBe("2025-11-25T11:00:00.000Z");
    expect(inside("2025-11-25T23:59:59+01:00", lateWindow)).toBe(true);
    expect(daytime("2025-11-26T00:00:00+01:00", lateWindow)).toBe("2025-11-26T11:00:00.000Z");
  });

  it("fails loudly instead of looping when no day within a year is open", () => {
    const allClosed = Array.from({ length: 400 }, (_, i) =>
      formatCivilDate(addCivilDays({ year: 2026, month: 1, day: 1 }, i)),
    );
    const window = { ...everyDay, extraClosedDates: allClosed };
    expect(() => nextSendTime(new Date("2026-01-01T12:00:00+01:00"), "Daytime", window)).toThrow(
      expect.toSatisfy((error: unknown) => isAppError(error, "permanent")),
    );
  });

  it("accepts the default and rejects bad windows", () => {
    expect(sendingWindowSchema.safeParse(defaultSendingWindow).success).toBe(true);
    expect(
      sendingWindowSchema.safeParse({ ...defaultSendingWindow, extraClosedDates: ["2026-12-24"] }).success,
    ).toBe(true);
    for (const bad of [
      { ...defaultSendingWindow, startHour: 17, endHour: 9 },
      { ...defaultSendingWindow, startHour: 9, endHour: 9 },
      { ...defaultSendingWindow, startHour: 8.5 },
      { ...defaultSendingWindow, endHour: 25 },
      { ...defaultSendingWindow, timeZone: "Mars/Olympus_Mons" },
      { ...defaultSendingWindow, holidays: "SE" },
      { ...defaultSendingWindow, extraClosedDates: ["2026-13-01"] },
    ]) {
      expect(sendingWindowSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
