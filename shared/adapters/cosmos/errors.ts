import { AppError, transient } from "../../errors";

interface CosmosLikeError {
  code?: number | string;
  statusCode?: number;
  retryAfterInMs?: number;
  retryAfterInMilliseconds?: number;
  message?: string;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as CosmosLikeError;
  if (typeof e.statusCode === "number") return e.statusCode;
  return typeof e.code === "number" ? e.code : undefined;
}

export function isCosmosStatus(error: unknown, status: number): boolean {
  return statusOf(error) === status;
}

/** Maps an SDK failure to our error kinds: throttling and outages are transient, a lost ETag race a conflict. */
export function mapCosmosError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const status = statusOf(error);
  const e = (typeof error === "object" && error !== null ? error : {}) as CosmosLikeError;
  if (status === 412)
    return new AppError("conflict", `${what}: the document changed concurrently`, { cause: error });
  if (status === 409)
    return new AppError("conflict", `${what}: the document already exists`, { cause: error });
  if (status === 404) return new AppError("not-found", `${what}: not found`, { cause: error });
  if (status === undefined || status === 408 || status === 429 || status === 449 || status >= 500) {
    // The cause's own words go into the message, so a log line names what really happened.
    return transient(
      `${what}: Cosmos DB is unavailable (${status ?? e.message ?? "no answer"})`,
      e.retryAfterInMs ?? e.retryAfterInMilliseconds,
      error,
    );
  }
  return new AppError("permanent", `${what}: Cosmos DB rejected the request (${status})`, { cause: error });
}
