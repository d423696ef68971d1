import { format } from "node:util";
import {
  isValidNationalIdentityNumber,
  normalizeMobileNumber,
} from "../../shared/domain/norwegianIdentifiers";

/**
 * Finds national identity numbers, phone numbers and email addresses in what a test run printed. Reusable
 * by any suite: capture the process's output (console and the standard streams, where the local host
 * writes its function logs), list the personal data the suite used, then ask which of it leaked.
 */

export interface OutputCapture {
  /** Everything written since the capture started. */
  text(): string;
  stop(): void;
}

type Writer = typeof process.stdout.write;
const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const;

/** Records every console call and every write to stdout and stderr, still passing them on. */
export function captureProcessOutput(): OutputCapture {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writers = streams.map((stream): Writer => stream.write.bind(stream));
  streams.forEach((stream, index) => {
    const original = writers[index];
    if (!original) return;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    };
  });
  // Unbound on purpose: stop() puts back the very functions it took, and each call passes console as this.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originals = consoleMethods.map((method) => console[method]);
  consoleMethods.forEach((method, index) => {
    const original = originals[index];
    console[method] = (...args: unknown[]) => {
      chunks.push(`${format(...args)}\n`);
      original?.apply(console, args);
    };
  });
  return {
    text: () => chunks.join(""),
    stop: () => {
      streams.forEach((stream, index) => {
        const original = writers[index];
        if (original) stream.write = original;
      });
      consoleMethods.forEach((method, index) => {
        const original = originals[index];
        if (original) console[method] = original;
      });
    },
  };
}

/** The personal data found in some texts (request bodies, a register, a test's source), each form it may take. */
export function personalDataIn(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const [digits] of text.matchAll(/(?<!\d)\d{11}(?!\d)/g)) {
      if (isValidNationalIdentityNumber(digits)) found.add(digits);
    }
    for (const [email] of text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)) found.add(email.toLowerCase());
    for (const [phone] of text.matchAll(/(?<![\w+])(?:\+|00)?\d{8,15}(?!\d)/g)) {
      const e164 = normalizeMobileNumber(phone);
      if (!e164) continue;
      found.add(e164);
      // As printed without the country code too: the 8 digits of a Norwegian number.
      if (e164.startsWith("+47")) found.add(e164.slice(3));
    }
  }
  return [...found];
}

/** The values that appear in the text: emails without case, numbers not as part of a longer number. */
export function leaksIn(text: string, personalData: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return personalData.filter((value) =>
    /^\+?\d+$/.test(value)
      ? new RegExp(`(?<!\\d)${value.replace("+", "\\+")}(?!\\d)`).test(text)
      : lower.includes(value.toLowerCase()),
  );
}
