/**
 * Norwegian public holidays (helligdager and lovbestemte høytidsdager), computed rather than listed so the
 * calendar never runs out. Dates are civil dates ("YYYY-MM-DD") with no time zone: whether an instant falls
 * on one is decided by the caller after converting it to Norwegian local time.
 *
 * Christmas Eve, New Year's Eve and Easter Saturday are not public holidays in Norway even though many
 * offices close early; add them through the sending window's `extraClosedDates` if that is wanted.
 */

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

interface PublicHoliday {
  date: string;
  name: string;
}

/**
 * Gregorian Easter Sunday by Gauss's method in Lichtenberg's formulation (secular moon and sun corrections
 * computed separately). The tests check it against the Meeus/Jones/Butcher algorithm, so the two are
 * deliberately different formulations. Valid for every Gregorian year (1583 onwards).
 */
export function easterSunday(year: number): CivilDate {
  if (!Number.isInteger(year) || year < 1583) throw new RangeError(`no Gregorian Easter for year ${year}`);
  const century = Math.floor(year / 100);
  const lunarCorrection = 15 + Math.floor((3 * century + 3) / 4) - Math.floor((8 * century + 13) / 25);
  const solarCorrection = 2 - Math.floor((3 * century + 3) / 4);
  const goldenNumberIndex = year % 19;
  const moonAge = (19 * goldenNumberIndex + lunarCorrection) % 30;
  const moonCorrection = Math.floor((moonAge + Math.floor(goldenNumberIndex / 11)) / 29);
  const paschalFullMoonInMarch = 21 + moonAge - moonCorrection;
  const firstSundayInMarch = 7 - ((year + Math.floor(year / 4) + solarCorrection) % 7);
  const daysToSunday = 7 - ((paschalFullMoonInMarch - firstSundayInMarch) % 7);
  const easterInMarch = paschalFullMoonInMarch + daysToSunday; // 22..56, where 32 means 1 April
  return easterInMarch > 31
    ? { year, month: 4, day: easterInMarch - 31 }
    : { year, month: 3, day: easterInMarch };
}

export function formatCivilDate({ year, month, day }: CivilDate): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Adds whole days on the proleptic Gregorian calendar; UTC arithmetic so no DST can shift the result. */
export function addCivilDays(date: CivilDate, days: number): CivilDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Offsets from Easter Sunday of the moveable feasts that are Norwegian public holidays. */
const easterBasedHolidays: ReadonlyArray<readonly [offsetDays: number, name: string]> = [
  [-3, "Skjærtorsdag"],
  [-2, "Langfredag"],
  [0, "1. påskedag"],
  [1, "2. påskedag"],
  [39, "Kristi himmelfartsdag"],
  [49, "1. pinsedag"],
  [50, "2. pinsedag"],
];

const fixedHolidays: ReadonlyArray<readonly [month: number, day: number, name: string]> = [
  [1, 1, "Nyttårsdag"],
  [5, 1, "Offentlig høytidsdag (1. mai)"],
  [5, 17, "Grunnlovsdag (17. mai)"],
  [12, 25, "1. juledag"],
  [12, 26, "2. juledag"],
];

/** All Norwegian public holidays of a year, sorted by date (a date may appear twice, e.g. 17 May = Ascension). */
export function norwegianPublicHolidays(year: number): readonly PublicHoliday[] {
  const easter = easterSunday(year);
  const holidays = [
    ...fixedHolidays.map(([month, day, name]) => ({ date: formatCivilDate({ year, month, day }), name })),
    ...easterBasedHolidays.map(([offset, name]) => ({
      date: formatCivilDate(addCivilDays(easter, offset)),
      name,
    })),
  ];
  return holidays.sort((a, b) => a.date.localeCompare(b.date));
}

// The scheduler asks per candidate day; a per-year set keeps that a lookup instead of an Easter computation.
const holidayDatesByYear = new Map<number, ReadonlySet<string>>();

export function isNorwegianPublicHoliday(date: CivilDate): boolean {
  let dates = holidayDatesByYear.get(date.year);
  if (dates === undefined) {
    dates = new Set(norwegianPublicHolidays(date.year).map((holiday) => holiday.date));
    holidayDatesByYear.set(date.year, dates);
  }
  return dates.has(formatCivilDate(date));
}
