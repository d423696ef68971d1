import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import {
  isValidNationalIdentityNumber,
  normalizeMobileNumber,
} from "../../shared/domain/norwegianIdentifiers";

export interface PersonalDataFinding {
  kind: "national identity number" | "phone number" | "email address";
  value: string;
  /** Where it was found: a span's name and attribute, or "log". */
  where: string;
}

/** Addresses of the service itself (senders), which name no person. */
const serviceAddresses = new Set(["donotreply@varsel.local"]);

// Digit runs standing alone: not inside a longer number, a hex id (a UUID's first group can be all digits,
// "98784213-…") or a timestamp.
const elevenDigits = /(?<![\w.:-])\d{11}(?![\w:])/g;
const phoneLike = /(?<![\w.:/-])(?:\+|00)?\d[\d ]{6,14}\d(?![\w:-])/g;
const emailLike = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/**
 * Finds national identity numbers (11 digits whose check digits hold), mobile numbers (as libphonenumber
 * reads them, with or without +47) and email addresses in a text. Shared by the telemetry and log scans.
 */
export function findPersonalData(text: string, where: string): PersonalDataFinding[] {
  const findings: PersonalDataFinding[] = [];
  for (const [value] of text.matchAll(elevenDigits)) {
    if (isValidNationalIdentityNumber(value))
      findings.push({ kind: "national identity number", value, where });
  }
  for (const [value] of text.matchAll(phoneLike)) {
    const digits = value.replace(/\s/g, "");
    // Only what is written as a phone number: +/00 with a country code, or a bare 8-digit Norwegian mobile.
    const written = /^(?:\+|00)\d{8,15}$/.test(digits) || /^[49]\d{7}$/.test(digits);
    if (written && normalizeMobileNumber(digits)) findings.push({ kind: "phone number", value, where });
  }
  for (const [value] of text.matchAll(emailLike)) {
    if (!serviceAddresses.has(value.toLowerCase())) findings.push({ kind: "email address", value, where });
  }
  return findings;
}

/** Every text a span exports: its name, attributes, events and links. */
export function findPersonalDataInSpans(spans: readonly ReadableSpan[]): PersonalDataFinding[] {
  return spans.flatMap((span) => {
    const texts: Array<[string, string]> = [[`span name`, span.name]];
    for (const [key, value] of Object.entries(span.attributes)) texts.push([key, String(value)]);
    for (const event of span.events) {
      texts.push(["event", event.name]);
      for (const [key, value] of Object.entries(event.attributes ?? {})) texts.push([key, String(value)]);
    }
    for (const link of span.links) {
      for (const [key, value] of Object.entries(link.attributes ?? {})) texts.push([key, String(value)]);
    }
    if (span.status.message) texts.push(["status", span.status.message]);
    return texts.flatMap(([key, text]) => findPersonalData(text, `span "${span.name}" ${key}`));
  });
}

/** Every line written to stdout and stderr until `stop()`, still passed through. */
export function captureOutput(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const originals = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const tap =
    (write: typeof process.stdout.write): typeof process.stdout.write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(...String(typeof chunk === "string" ? chunk : Buffer.from(chunk)).split("\n"));
      return (write as (chunk: string | Uint8Array, ...args: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = tap(originals.out);
  process.stderr.write = tap(originals.err);
  return {
    lines,
    stop() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
