import { randomUUID } from "node:crypto";
import { AppendOnlyFile, LocalDataError, readNdjson } from "./persistence/ndjsonFile";

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

export interface OutboxOptions {
  /** Keep the captures in this file (one JSON line each) across restarts; memory only if unset. */
  path?: string;
}

function isCapturedMessage(value: unknown): value is CapturedMessage {
  const m = value as Partial<CapturedMessage> | null;
  return (
    typeof m === "object" &&
    m !== null &&
    (m.channel === "email" || m.channel === "sms") &&
    [m.id, m.to, m.from, m.body, m.reference, m.at].every((field) => typeof field === "string")
  );
}

/**
 * Record of what the local ACS and LINK fakes "sent", for local mode (an inspection endpoint) and tests,
 * in memory or also in a file. It holds recipients in clear text on purpose — it is the local inbox — so
 * never log it.
 */
export class Outbox {
  private readonly messages: CapturedMessage[] = [];
  private readonly byReference = new Map<string, CapturedMessage>();
  private readonly listeners = new Set<(message: CapturedMessage) => void>();
  private readonly file: AppendOnlyFile | undefined;

  /** `now` lets local mode stamp captures with its controllable clock. */
  constructor(
    private readonly now: () => Date = () => new Date(),
    options: OutboxOptions = {},
  ) {
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

  /** Copies, oldest first; JSON-ready. */
  list(channel?: CapturedMessage["channel"]): CapturedMessage[] {
    return this.messages.filter((m) => channel === undefined || m.channel === channel).map((m) => ({ ...m }));
  }

  findByReference(reference: string): CapturedMessage | undefined {
    const found = this.byReference.get(reference);
    return found && { ...found };
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
    this.messages.length = 0;
    this.byReference.clear();
  }

  /** Releases the file; the captures stay readable in memory. */
  close(): void {
    this.file?.close();
  }

  private add(message: CapturedMessage): void {
    this.messages.push(message);
    // The first capture wins, as `find` over the list would.
    if (!this.byReference.has(message.reference)) this.byReference.set(message.reference, message);
  }
}
