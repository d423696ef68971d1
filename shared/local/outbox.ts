import { randomUUID } from "node:crypto";

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
  /** ISO timestamp of capture. */
  at: string;
}

export type CaptureInput = Omit<CapturedMessage, "id" | "at">;

/**
 * In-memory record of what the local ACS and LINK fakes "sent", for local mode (an inspection endpoint)
 * and tests. It holds recipients in clear text on purpose — it is the local inbox — so never log it.
 */
export class Outbox {
  private readonly messages: CapturedMessage[] = [];
  private readonly listeners = new Set<(message: CapturedMessage) => void>();

  /** `now` lets local mode stamp captures with its controllable clock. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  record(input: CaptureInput): CapturedMessage {
    const message: CapturedMessage = { ...input, id: randomUUID(), at: this.now().toISOString() };
    this.messages.push(message);
    for (const listener of this.listeners) listener(message);
    return { ...message };
  }

  /** Copies, oldest first; JSON-ready. */
  list(channel?: CapturedMessage["channel"]): CapturedMessage[] {
    return this.messages.filter((m) => channel === undefined || m.channel === channel).map((m) => ({ ...m }));
  }

  findByReference(reference: string): CapturedMessage | undefined {
    const found = this.messages.find((m) => m.reference === reference);
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
    this.messages.length = 0;
  }
}
