import { errorMessage } from "./narrowing";

/**
 * Every failure the service raises carries a kind, so the edges (HTTP, queue handlers) decide what to do
 * without inspecting messages: HTTP maps kinds to status codes; queue handlers complete on permanent
 * failures and throw on transient ones so the broker redelivers.
 */
export type ErrorKind =
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "missing-contact"
  | "transient"
  | "permanent"
  /** The client went away before the answer (HTTP 499): the request stopped before it stored anything. */
  | "client-closed";

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: {
      retryAfterMs?: number;
      /** A provider's 429: its Retry-After holds every send to it, not just this one (see SendPacer). */
      throttled?: boolean;
      errors?: Record<string, string[]>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "AppError";
  }
}

export function isAppError(error: unknown, kind?: ErrorKind): error is AppError {
  return error instanceof AppError && (kind === undefined || error.kind === kind);
}

export function transient(message: string, retryAfterMs?: number, cause?: unknown): AppError {
  return new AppError("transient", message, { retryAfterMs, cause });
}

/** A provider refused for its rate limit (429): transient, and a pause for every send to it. */
export function throttled(message: string, retryAfterMs: number): AppError {
  return new AppError("transient", message, { retryAfterMs, throttled: true });
}

/**
 * Work over many items where one item's failure must hold back none of the others: `isolate` keeps a failure
 * for later (that item's result is then undefined), and `raise` throws one of those kept, one the broker should
 * redeliver for (anything but an AppError of a kind that retrying cannot help) before any other.
 */
export class IsolatedFailures {
  private readonly failures: unknown[] = [];

  isolate<T, R>(work: (item: T) => Promise<R>): (item: T) => Promise<R | undefined> {
    return (item) =>
      work(item).catch((error: unknown) => {
        this.failures.push(error);
        return undefined;
      });
  }

  raise(): void {
    const [first] = this.failures;
    if (first === undefined) return;
    const chosen = this.failures.find((e) => !(e instanceof AppError) || e.kind === "transient") ?? first;
    throw chosen instanceof Error ? chosen : new Error(errorMessage(chosen));
  }
}
