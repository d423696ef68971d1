import { throttled, transient } from "../../errors";
import { isRecord } from "../../narrowing";
import type { EmailSendOutcome } from "../../ports/emailSender";
import { defaultRetryAfterMs, retryAfterMs } from "./retryAfter";

type FailedEmail = Extract<EmailSendOutcome, { outcome: "failed" }>["result"];

/** ACS error code when every recipient is on the resource's suppression list (Altinn `ErrorTypes.cs`). */
const suppressedCode = "EmailDroppedAllRecipientsSuppressed";
/** ACS has no code for a malformed address, only this message text (Altinn `ErrorTypes.cs`). */
const invalidFormatText = "Invalid format for email address";

/**
 * The parts of `@azure/core-rest-pipeline`'s RestError we read. Duck-typed because that package is only a
 * transitive dependency of the SDK, not one of ours.
 */
interface RestErrorLike {
  message: string;
  code?: string;
  statusCode?: number;
  retryAfter?: string;
}

function hasGetter(value: unknown): value is { get(name: string): unknown } {
  return isRecord(value) && typeof value["get"] === "function";
}

function asRestError(error: unknown): RestErrorLike | undefined {
  // isRecord lets the SDK's untyped fields be read, each as unknown.
  if (!(error instanceof Error) || error.name !== "RestError" || !isRecord(error)) return undefined;
  const response = error["response"];
  const headers = isRecord(response) ? response["headers"] : undefined;
  const retryAfter = hasGetter(headers) ? headers.get("retry-after") : undefined;
  return {
    message: error.message,
    code: typeof error["code"] === "string" ? error["code"] : undefined,
    statusCode: typeof error["statusCode"] === "number" ? error["statusCode"] : undefined,
    retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
  };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/** Permanent result for an ACS error that names the recipient problem; the message is never copied out. */
function failedResult(code: string | undefined, message: string, statusCode?: number): FailedEmail {
  if (code === suppressedCode || message.includes(suppressedCode)) return "Failed_SupressedRecipient";
  if (message.includes(invalidFormatText)) return "Failed_InvalidEmailFormat";
  if (statusCode === 413) return "Failed_PayloadTooLarge";
  return "Failed";
}

type ClassifiedSendError =
  { kind: "failed"; result: FailedEmail } | { kind: "already-accepted" } | { kind: "unknown" };

/**
 * Maps an error from starting a send (the POST was not accepted). Transient failures are thrown as
 * `transient(…)` with ACS's Retry-After; messages carry status and code only, since ACS error texts can
 * quote the recipient address.
 */
export function classifySendError(error: unknown, usedClientOperationId: boolean): ClassifiedSendError {
  if (isTimeout(error)) throw transient("ACS email send timed out", defaultRetryAfterMs);
  const rest = asRestError(error);
  if (!rest) return { kind: "unknown" };
  const status = rest.statusCode;
  const label = `ACS email send failed (status ${status ?? "none"}${rest.code ? `, ${rest.code}` : ""})`;
  if (status === 429) throw throttled(label, retryAfterMs(rest.retryAfter));
  if (status === undefined || status === 408 || status >= 500) {
    throw transient(label, retryAfterMs(rest.retryAfter));
  }
  // Wrong key or missing role assignment: every email would fail, so wait for an operator instead.
  if (status === 401 || status === 403) throw transient(label, defaultRetryAfterMs);
  // A redelivered send reusing our operation id: ACS already has that operation.
  if (status === 409 && usedClientOperationId) return { kind: "already-accepted" };
  return { kind: "failed", result: failedResult(rest.code, rest.message, status) };
}
