import type { HttpRequest } from "@azure/functions";
import type { Settings } from "../config/settings";
import type { ChangedPayloadPolicy } from "../usecases/steps/idempotentRegistration";

/** A client that wants a changed body under a reused idempotencyId refused (409) sends `strict`. */
export const idempotencyRequestHeader = "varsel-idempotency";
/** Set on a replay whose body differs from the registered request: the new content was ignored. */
export const payloadChangedHeader = "varsel-idempotency-replay";
export const payloadChangedValue = "payload-changed";

/** The policy for this request: the request header, else the service's setting (Altinn's replay). */
export function changedPayloadPolicy(request: HttpRequest, settings: Settings): ChangedPayloadPolicy {
  const asked = request.headers.get(idempotencyRequestHeader)?.trim().toLowerCase();
  return asked === "strict" ? "conflict" : settings.IDEMPOTENCY_CHANGED_PAYLOAD;
}

/** Headers that tell a client its retry carried another body than the one registered. */
export function replayHeaders(payloadChanged: boolean): Record<string, string> {
  return payloadChanged ? { [payloadChangedHeader]: payloadChangedValue } : {};
}
