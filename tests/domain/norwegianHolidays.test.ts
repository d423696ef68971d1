import { describe, expect, it } from "vitest";
import {
  addCivilDays,
  easterSunday,
  formatCivilDate,
  isNorwegianPublicHoliday,
  norwegianPublicHolidays,
} from "../../shared/domain/norwegianHolidays";

/**
 * Easter by the Meeus/Jones/Butcher algorithm — a different formulation from the Gauss/Lichtenberg one in
 * the implementation, so a slip in either shows up as a disagreement.
 */
function meeusJonesButcherEaster(year: number): string {
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
  return formatCivilDate({ year, month, day });
}

const civil = (date: string) => {
  const [year = 0, month = 0, day = 0] = date.split("-").map(Number);
  return { year, month, day };
};

describe("Easter Sunday", () => {
  it.each([
    [2024, "2024-03-31"],
    [2025, "2025-04-20"],
    [2026, "2026-04-05"],
    [2027, "2027-03-28"],
    [2038, "2038-04-25"], // the latest possible date
    [2040, "2040-04-01"],
    [2285, "2285-03-22"], // the earliest possible date
  ])("falls in %i on %s", (year, expected) => {
    expect(formatCivilDate(easterSunday(year))).toBe(expected);
  });

  it("agrees with the Meeus/Jones/Butcher algorithm for every year 2024–2040", () => {
    for (let year = 2024; year <= 2040; year += 1) {
      expect(formatCivilDate(easterSunday(year)), String(year)).toBe(meeusJonesButcherEaster(year));
    }
  });

  it("agrees with it over four Gregorian centuries (1900–2299), catching century-rule slips", () => {
    const disagreements: number[] = [];
    for (let year = 1900; year <= 2299; year += 1) {
      if (formatCivilDate(easterSunday(year)) !== meeusJonesButcherEaster(year)) disagreements.push(year);
    }
    expect(disagreements).toEqual([]);
  });

  it("refuses years before the Gregorian calendar and fractional years", () => {
    expect(() => easterSunday(1582)).toThrow(RangeError);
    expect(() => easterSunday(2026.5)).toThrow(RangeError);
  });
});

describe("the Norwegian public holidays of a year", () => {
  // Columns: Skjærtorsdag, Langfredag, 1. påskedag, 2. påskedag, Kristi himmelfart, 1. pinsedag, 2. pinsedag.
  it.each([
    [2024, ["03-28", "03-29", "03-31", "04-01", "05-09", "05-19", "05-20"]],
    [2025, ["04-17", "04-18", "04-20", "04-21", "05-29", "06-08", "06-09"]],
    [2026, ["04-02", "04-03", "04-05", "04-06", "05-14", "05-24", "05-25"]],
    [2027, ["03-25", "03-26", "03-28", "03-29", "05-06", "05-16", "05-17"]],
    [2038, ["04-22", "04-23", "04-25", "04-26", "06-03", "06-13", "06-14"]],
    [2040, ["03-29", "03-30", "04-01", "04-02", "05-10", "05-20", "05-21"]],
  ])("%i: the seven Easter-based days and the five fixed ones", (year, easterBased) => {
    const fixed = ["01-01", "05-01", "05-17", "12-25", "12-26"];
    const expected = [...fixed, ...easterBased].map((monthDay) => `${year}-${monthDay}`).sort();
    expect(norwegianPublicHolidays(year).map((holiday) => holiday.date)).toEqual(expected);
  });

  it("names each day", () => {
    expect(norwegianPublicHolidays(2026)).toEqual([
      { date: "2026-01-01", name: "Nyttårsdag" },
      { date: "2026-04-02", name: "Skjærtorsdag" },
      { date: "2026-04-03", name: "Langfredag" },
      { date: "2026-04-05", name: "1. påskedag" },
      { date: "2026-04-06", name: "2. påskedag" },
      { date: "2026-05-01", name: "Offentlig høytidsdag (1. mai)" },
      { date: "2026-05-14", name: "Kristi himmelfartsdag" },
      { date: "2026-05-17", name: "Grunnlovsdag (17. mai)" },
      { date: "2026-05-24", name: "1. pinsedag" },
      { date: "2026-05-25", name: "2. pinsedag" },
      { date: "2026-12-25", name: "1. juledag" },
      { date: "2026-12-26", name: "2. juledag" },
    ]);
  });

  it("keeps both names when two holidays share a date (17 May 2027 is also Whit Monday)", () => {
    const onSeventeenthMay = norwegianPublicHolidays(2027).filter((holiday) => holiday.date === "2027-05-17");
    expect(onSeventeenthMay.map((holiday) => holiday.name).sort()).toEqual([
      "2. pinsedag",
      "Grunnlovsdag (17. mai)",
    ]);
  });

  it("derives every Easter-based day from the same Easter for every year 2024–2040", () => {
    const offsets = [-3, -2, 0, 1, 39, 49, 50];
    for (let year = 2024; year <= 2040; year += 1) {
      const easter = civil(meeusJonesButcherEaster(year));
      for (const offset of offsets) {
        const date = addCivilDays(easter, offset);
        expect(isNorwegianPublicHoliday(date), `${year} Easter${offset >= 0 ? "+" : ""}${offset}`).toBe(true);
      }
      expect(norwegianPublicHolidays(year)).toHaveLength(12);
    }
  });
});

describe("isNorwegianPublicHoliday", () => {
  it.each(["2024-05-17", "2031-05-17", "2024-12-25", "2024-12-26", "2039-12-25", "2030-01-01", "2035-05-01"])(
    "%s is a holiday",
    (date) => {
      expect(isNorwegianPublicHoliday(civil(date))).toBe(true);
    },
  );

  it.each([
    ["Christmas Eve", "2024-12-24"],
    ["New Year's Eve", "2024-12-31"],
    ["Easter Saturday", "2026-04-04"],
    ["the day before Maundy Thursday", "2026-04-01"],
    ["16 May", "2026-05-16"],
    ["18 May", "2026-05-18"],
    ["27 December", "2024-12-27"],
  ])("%s (%s) is not", (_label, date) => {
    expect(isNorwegianPublicHoliday(civil(date))).toBe(false);
  });
});

describe("civil-date arithmetic", () => {
  it("crosses month, year and leap-day boundaries without a time zone", () => {
    expect(formatCivilDate(addCivilDays({ year: 2024, month: 2, day: 28 }, 1))).toBe("2024-02-29");
    expect(formatCivilDate(addCivilDays({ year: 2025, month: 2, day: 28 }, 1))).toBe("2025-03-01");
    expect(formatCivilDate(addCivilDays({ year: 2026, month: 12, day: 31 }, 1))).toBe("2027-01-01");
    expect(formatCivilDate(addCivilDays({ year: 2026, month: 3, day: 29 }, -3))).toBe("2026-03-26");
  });
});
