import { AppError, transient } from "../../errors";
import { isRecord } from "../../narrowing";

/** A numeric field of an SDK error, which the SDK does not type. */
function numberField(error: unknown, name: string): number | undefined {
  const value = isRecord(error) ? error[name] : undefined;
  return typeof value === "number" ? value : undefined;
}

/** The HTTP status an SDK failure carries, if any. */
export function statusOfCosmosError(error: unknown): number | undefined {
  return numberField(error, "statusCode") ?? numberField(error, "code");
}

export function isCosmosStatus(error: unknown, status: number): boolean {
  return statusOfCosmosError(error) === status;
}

/** Maps an SDK failure to our error kinds: throttling and outages are transient, a lost ETag race a conflict. */
export function mapCosmosError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const status = statusOfCosmosError(error);
  const message = isRecord(error) && typeof error["message"] === "string" ? error["message"] : undefined;
  if (status === 412)
    return new AppError("conflict", `${what}: the document changed concurrently`, { cause: error });
  if (status === 409)
    return new AppError("conflict", `${what}: the document already exists`, { cause: error });
  if (status === 404) return new AppError("not-found", `${what}: not found`, { cause: error });
  if (status === undefined || status === 408 || status === 429 || status === 449 || status >= 500) {
    // The cause's own words go into the message, so a log line names what really happened.
    return transient(
      `${what}: Cosmos DB is unavailable (${status ?? message ?? "no answer"})`,
      numberField(error, "retryAfterInMs") ?? numberField(error, "retryAfterInMilliseconds"),
      error,
    );
  }
  return new AppError("permanent", `${what}: Cosmos DB rejected the request (${status})`, { cause: error });
}
