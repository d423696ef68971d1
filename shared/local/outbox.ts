import { randomUUID } from "node:crypto";
import { AppendOnlyFile, LocalDataError, readNdjson } from "./persistence/ndjsonFile";
import { isRecord } from "../narrowing";

/** One message a local provider fake accepted instead of sending it. */
export interface CapturedMessage {
  id: string;
  channel: "email" | "sms";
  to: string;
  /** Email sender address, or the SMS sender id as the gateway received it. */
  from: string;
  subject?: string;
  body: string;
  /** Email: "Plain" or "Html". */
  contentType?: "Plain" | "Html";
  /** The provider's reference: the ACS operation id or the LINK gateway reference. */
  reference: string;
  /** Email: the files attached, by size and SHA-256 (the content is not kept). */
  attachments?: Array<{ name: string; contentType: string; bytes: number; sha256: string }>;
  /** ISO timestamp of capture. */
  at: string;
}

export type CaptureInput = Omit<CapturedMessage, "id" | "at">;

interface OutboxOptions {
  /** Keep the captures in this file (one JSON line each) across restarts; memory only if unset. */
  path?: string;
  /** How many of the latest captures stay in memory (the file keeps them all). */
  capacity?: number;
}

/**
 * A local run of a population-wide order captures a million messages: memory keeps the latest ones (what the
 * local page shows), a few tens of MB, so local mode and the benches do not grow with volume.
 */
const defaultOutboxCapacity = 10_000;

function isCapturedMessage(value: unknown): value is CapturedMessage {
  return (
    isRecord(value) &&
    (value["channel"] === "email" || value["channel"] === "sms") &&
    ["id", "to", "from", "body", "reference", "at"].every((field) => typeof value[field] === "string")
  );
}

/**
 * Record of what the local ACS and LINK fakes "sent", for local mode (an inspection endpoint) and tests,
 * in memory or also in a file. It holds recipients in clear text on purpose — it is the local inbox — so
 * never log it.
 */
export class Outbox {
  /** The retained captures, oldest first, from `head` on (slots before it were evicted). */
  private messages: Array<CapturedMessage | undefined> = [];
  private head = 0;
  private recorded = 0;
  private readonly byReference = new Map<string, CapturedMessage>();
  private readonly listeners = new Set<(message: CapturedMessage) => void>();
  private readonly file: AppendOnlyFile | undefined;
  private readonly capacity: number;

  /** `now` lets local mode stamp captures with its controllable clock. */
  constructor(
    private readonly now: () => Date = () => new Date(),
    options: OutboxOptions = {},
  ) {
    this.capacity = options.capacity ?? defaultOutboxCapacity;
    if (!options.path) return;
    for (const [index, record] of readNdjson(options.path).records.entries()) {
      if (!isCapturedMessage(record))
        throw new LocalDataError(`${options.path}: record ${index + 1} is not a captured message`);
      this.add(record);
    }
    this.file = new AppendOnlyFile(options.path);
  }

  record(input: CaptureInput): CapturedMessage {
    const message: CapturedMessage = { ...input, id: randomUUID(), at: this.now().toISOString() };
    // On disk before the fake answers the send, so an accepted message is never missing after a kill.
    this.file?.append(message);
    this.add(message);
    for (const listener of this.listeners) listener(message);
    return { ...message };
  }

  /** Copies of the retained captures, oldest first; JSON-ready. */
  list(channel?: CapturedMessage["channel"]): CapturedMessage[] {
    const retained: CapturedMessage[] = [];
    for (let i = this.head; i < this.messages.length; i += 1) {
      const m = this.messages[i];
      if (m && (channel === undefined || m.channel === channel)) retained.push({ ...m });
    }
    return retained;
  }

  /** Captures recorded since the outbox was created or cleared, retained or not. */
  count(): number {
    return this.recorded;
  }

  findByReference(reference: string): CapturedMessage | undefined {
    const found = this.byReference.get(reference);
    return found && { ...found };
  }

  /** Calls `listener` with every capture from now on (also those memory does not keep); returns the unsubscribe. */
  subscribe(listener: (message: CapturedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the next capture that matches; lets a test await a send instead of sleeping. */
  next(matches: (message: CapturedMessage) => boolean = () => true): Promise<CapturedMessage> {
    return new Promise((resolve) => {
      const listener = (message: CapturedMessage) => {
        if (!matches(message)) return;
        this.listeners.delete(listener);
        resolve({ ...message });
      };
      this.listeners.add(listener);
    });
  }

  clear(): void {
    this.file?.clear();
    this.messages = [];
    this.head = 0;
    this.recorded = 0;
    this.byReference.clear();
  }

  /** Releases the file; the captures stay readable in memory. */
  close(): void {
    this.file?.close();
  }

  private add(message: CapturedMessage): void {
    this.messages.push(message);
    this.recorded += 1;
    // The first capture wins, as `find` over the list would.
    if (!this.byReference.has(message.reference)) this.byReference.set(message.reference, message);
    while (this.messages.length - this.head > this.capacity) {
      const oldest = this.messages[this.head];
      this.messages[this.head] = undefined;
      this.head += 1;
      if (oldest && this.byReference.get(oldest.reference) === oldest)
        this.byReference.delete(oldest.reference);
    }
    // Drop the evicted slots now and then, so the array does not keep growing.
    if (this.head > this.capacity) {
      this.messages.splice(0, this.head);
      this.head = 0;
    }
  }
}
