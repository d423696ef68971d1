const isoDurationPattern =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Milliseconds in an ISO-8601 duration of the subset Service Bus uses for queue settings
 * (`P1D`, `PT5M`, `PT30S`, `P1DT2H`). Years, months and weeks are rejected: their length is ambiguous.
 */
export function parseIsoDuration(text: string): number {
  const match = isoDurationPattern.exec(text);
  if (!match || text === "P" || text.endsWith("T")) {
    throw new Error(`"${text}" is not an ISO-8601 duration of days, hours, minutes and seconds`);
  }
  const [, days, hours, minutes, seconds] = match;
  const part = (value: string | undefined): number => (value === undefined ? 0 : Number(value));
  return Math.round(((part(days) * 24 + part(hours)) * 60 * 60 + part(minutes) * 60 + part(seconds)) * 1000);
}
