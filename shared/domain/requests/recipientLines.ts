import { recipientLineFields, type RecipientLineField } from "./bulkOrder";
import { errorMessage, nullPrototypeRecord } from "../../narrowing";

/** The formats a part of recipients may come in. */
export const recipientFormats = { "application/x-ndjson": "ndjson", "text/csv": "csv" } as const;
export type RecipientFormat = (typeof recipientFormats)[keyof typeof recipientFormats];

/** What one line holds: a recipient's fields, nothing (a blank line, the CSV header), or a problem. */
type LineContent =
  | { kind: "fields"; fields: Record<string, unknown> }
  | { kind: "none" }
  | { kind: "problem"; message: string };

/** Blank lines (and lines of spaces and tabs) are skipped in both formats; they keep their line numbers. */
const isBlank = (text: string) => /^[ \t]*$/.test(text);

function ndjsonLine(text: string): LineContent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "problem", message: `The line is not valid JSON: ${errorMessage(error)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "problem", message: "The line must be a JSON object." };
  }
  // As for a JSON body: a null property counts as absent.
  const fields: Record<string, unknown> = nullPrototypeRecord();
  for (const [key, field] of Object.entries(value)) if (field !== null) fields[key] = field;
  return { kind: "fields", fields };
}

/**
 * The fields of one CSV record (RFC 4180, on one line): comma-separated, a field in double quotes may hold
 * commas and doubled quotes. Identifiers never hold line breaks, so a record never spans lines.
 */
export function splitCsvLine(text: string): string[] | { problem: string } {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (text[at] === '"') {
      let value = "";
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return { problem: "A quoted field must end on the same line." };
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      fields.push(value);
      if (at === text.length) return fields;
      if (text[at] !== ",")
        return { problem: `Only a comma may follow a closing quote (position ${at + 1}).` };
      at += 1;
    } else {
      const comma = text.indexOf(",", at);
      const value = text.slice(at, comma < 0 ? text.length : comma);
      if (value.includes('"')) return { problem: "A field with a double quote must be quoted as a whole." };
      fields.push(value);
      if (comma < 0) return fields;
      at = comma + 1;
    }
  }
}

const fieldByLowerCase = new Map<string, RecipientLineField>(
  recipientLineFields.map((f) => [f.toLowerCase(), f]),
);

/**
 * Reads a CSV part: the first line that is not blank is the header, naming columns by the line fields
 * (any case, any order; other columns are ignored). Each further line gives the fields its non-empty cells
 * name. A header that names no recipient column is the one problem of the part: its rows mean nothing.
 */
function csvReader(): (text: string) => LineContent {
  let columns: Array<RecipientLineField | undefined> | undefined;
  let headerRefused = false;
  return (text) => {
    if (headerRefused) return { kind: "none" };
    const cells = splitCsvLine(text);
    if (!Array.isArray(cells)) {
      headerRefused = columns === undefined;
      return { kind: "problem", message: cells.problem };
    }
    if (columns === undefined) {
      const named = cells.map((cell) => fieldByLowerCase.get(cell.trim().toLowerCase()));
      const known = named.filter((field) => field !== undefined);
      if (known.length === 0) {
        headerRefused = true;
        return {
          kind: "problem",
          message: `The header row must name at least one of the columns ${recipientLineFields.join(", ")}.`,
        };
      }
      if (new Set(known).size !== known.length) {
        headerRefused = true;
        return { kind: "problem", message: "The header row names a column twice." };
      }
      columns = named;
      return { kind: "none" };
    }
    if (cells.length !== columns.length) {
      return {
        kind: "problem",
        message: `The row has ${cells.length} fields; the header has ${columns.length}.`,
      };
    }
    const fields: Record<string, unknown> = nullPrototypeRecord();
    columns.forEach((column, index) => {
      const cell = cells[index];
      if (column !== undefined && cell !== undefined && cell !== "") fields[column] = cell;
    });
    return { kind: "fields", fields };
  };
}

/** A reader for one part: call it with each line's text, in order. */
export function recipientLineReader(format: RecipientFormat): (text: string) => LineContent {
  const read = format === "csv" ? csvReader() : ndjsonLine;
  return (text) => (isBlank(text) ? { kind: "none" } : read(text));
}
