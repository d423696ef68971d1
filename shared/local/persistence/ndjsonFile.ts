import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
} from "node:fs";
import { dirname } from "node:path";

/** A data folder problem the user can fix (a damaged file, a folder in use); its message says how. */
export class LocalDataError extends Error {}

interface NdjsonContents {
  /** Every complete line, parsed. */
  records: unknown[];
  /** Length in bytes of the complete lines; anything after it is a torn tail. */
  validBytes: number;
  /** True when the file ends in an unfinished line (the writer was killed mid-write). */
  tornTail: boolean;
}

/**
 * Reads a newline-delimited JSON file written by `AppendOnlyFile`. A last line without its newline was never
 * acknowledged (the append returns only after the newline is written), so it is dropped rather than trusted.
 * A damaged line before the end is not something a kill can cause, so it stops the start instead of
 * silently losing what follows.
 */
export function readNdjson(path: string): NdjsonContents {
  if (!existsSync(path)) return { records: [], validBytes: 0, tornTail: false };
  const bytes = readFileSync(path);
  const records: unknown[] = [];
  let start = 0;
  let line = 1;
  for (let end = bytes.indexOf(0x0a, start); end !== -1; end = bytes.indexOf(0x0a, start), line++) {
    const text = bytes.subarray(start, end).toString("utf8");
    if (text.trim() !== "") {
      try {
        records.push(JSON.parse(text));
      } catch {
        throw new LocalDataError(
          `${path}:${line} is not valid JSON; the file is damaged (move it away to start empty)`,
        );
      }
    }
    start = end + 1;
  }
  return { records, validBytes: start, tornTail: start < bytes.length };
}

/**
 * An append-only file of JSON lines. Each append is one synchronous write of the whole line, so once it
 * returns the line is in the operating system's hands and survives the process being killed (kill -9);
 * it is not fsynced, so a power cut may still lose the last lines.
 */
export class AppendOnlyFile {
  private fd: number | undefined;
  private bytes: number;

  /** Opens (or creates) `path`; a torn tail left by a killed writer is cut off so new lines start clean. */
  constructor(readonly path: string) {
    const { validBytes, tornTail } = readNdjson(path);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a");
    if (tornTail) ftruncateSync(this.fd, validBytes);
    this.bytes = fstatSync(this.fd).size;
  }

  /** Size of the file in bytes, for deciding when to compact. */
  get size(): number {
    return this.bytes;
  }

  append(record: unknown): void {
    const line = `${JSON.stringify(record)}\n`;
    appendFileSync(this.openFd(), line);
    this.bytes += Buffer.byteLength(line);
  }

  /** Empties the file; later appends start at offset 0 (the descriptor is in append mode). */
  clear(): void {
    ftruncateSync(this.openFd(), 0);
    this.bytes = 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    return this.fd;
  }
}
