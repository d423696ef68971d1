import { PayloadTooLargeError } from "./body";

/** One line of a streamed body: its text, or why it has none (not UTF-8, too long). Numbered from 1. */
export type BodyLine = { number: number; text: string } | { number: number; problem: string };

/** 413 for a streamed body past its own cap (the message names that cap, not the JSON body's). */
export class StreamTooLargeError extends PayloadTooLargeError {
  constructor(maxBytes: number) {
    super();
    this.message = `The request body exceeds ${maxBytes} bytes.`;
  }
}

interface LineLimits {
  /** The whole body: past this the read stops with StreamTooLargeError. */
  maxBytes: number;
  /** One line, without its line break: a longer line is a problem of its own, and is not kept. */
  maxLineBytes: number;
}

const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const byteOrderMark = [0xef, 0xbb, 0xbf];

/**
 * Splits a streamed body into lines as it arrives, holding at most one line (bounded by `maxLineBytes`) and
 * the chunk being read: LF or CRLF ends a line, a UTF-8 byte-order mark at the start is skipped, and each
 * line is decoded on its own, so a byte that is not UTF-8 is reported with its line number.
 */
export async function* readLines(
  body: AsyncIterable<Uint8Array>,
  limits: LineLimits,
): AsyncGenerator<BodyLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let number = 1;
  let total = 0;
  let atStart = true;

  const finish = (): BodyLine => {
    const line = Buffer.concat(pending, pendingBytes);
    const end = line.at(-1) === carriageReturn ? line.length - 1 : line.length;
    pending = [];
    pendingBytes = 0;
    const current = number;
    number += 1;
    if (tooLong || end > limits.maxLineBytes) {
      tooLong = false;
      return { number: current, problem: `The line is longer than ${limits.maxLineBytes} bytes.` };
    }
    try {
      return { number: current, text: decoder.decode(line.subarray(0, end)) };
    } catch {
      return { number: current, problem: "The line is not valid UTF-8." };
    }
  };
  const keep = (bytes: Uint8Array): void => {
    if (tooLong) return;
    // One byte over the limit is kept so a CR before the LF does not count against the line.
    if (pendingBytes + bytes.length > limits.maxLineBytes + 1) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(Buffer.from(bytes));
    pendingBytes += bytes.length;
  };

  for await (const received of body) {
    total += received.length;
    if (total > limits.maxBytes) throw new StreamTooLargeError(limits.maxBytes);
    let chunk = received;
    if (atStart) {
      const head = Buffer.concat([...pending, Buffer.from(chunk)]);
      if (
        head.length < byteOrderMark.length &&
        byteOrderMark.slice(0, head.length).every((b, i) => head[i] === b)
      ) {
        pending = [head];
        pendingBytes = head.length;
        continue;
      }
      atStart = false;
      pending = [];
      pendingBytes = 0;
      chunk = byteOrderMark.every((b, i) => head[i] === b) ? head.subarray(byteOrderMark.length) : head;
    }
    let from = 0;
    for (let at = chunk.indexOf(lineFeed); at >= 0; at = chunk.indexOf(lineFeed, from)) {
      keep(chunk.subarray(from, at));
      yield finish();
      from = at + 1;
    }
    keep(chunk.subarray(from));
  }
  if (pendingBytes > 0 || tooLong) yield finish();
}
