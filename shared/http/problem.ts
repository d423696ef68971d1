import type { HttpResponseInit } from "@azure/functions";
import { maxReportedErrors, tooManyErrorsMessage } from "../domain/requests/limits";
import type { AppError, ErrorKind } from "../errors";
import { nullPrototypeRecord } from "../narrowing";

const problemContentType = "application/problem+json";

/** Altinn's problem codes (Altinn.Authorization.ProblemDetails, prefix NOT). */
export const problemCodes = {
  missingContact: { code: "NOT-00001", status: 422, detail: "Missing contact information for recipient(s)" },
  requestTerminated: {
    code: "NOT-00002",
    status: 499,
    detail: "The client disconnected or cancelled the request before the server could complete processing",
  },
  shipmentNotFound: { code: "NOT-00003", status: 404, detail: "Shipment not found" },
  temporaryFailure: { code: "NOT-00004", status: 503, detail: "A temporary network failure occurred" },
} as const;

interface ProblemFields {
  status: number;
  title: string;
  detail?: string;
  code?: string;
  errors?: Record<string, string[]>;
  type?: string;
  headers?: Record<string, string>;
  /** RFC 9457 extension members, written beside the standard ones (e.g. the line problems of an upload). */
  extensions?: Record<string, unknown>;
}

const typeByStatus: Record<number, string> = {
  400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
  401: "https://tools.ietf.org/html/rfc9110#section-15.5.2",
  403: "https://tools.ietf.org/html/rfc9110#section-15.5.4",
  404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
  405: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
  409: "https://tools.ietf.org/html/rfc9110#section-15.5.10",
  413: "https://tools.ietf.org/html/rfc9110#section-15.5.14",
  415: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
  422: "https://tools.ietf.org/html/rfc9110#section-15.5.21",
  500: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
  503: "https://tools.ietf.org/html/rfc9110#section-15.6.4",
};

/** An RFC 9457 problem response. */
export function problem(fields: ProblemFields): HttpResponseInit {
  const { headers, extensions, ...body } = fields;
  return {
    status: fields.status,
    headers: { "content-type": problemContentType, ...headers },
    body: JSON.stringify({
      type: fields.type ?? typeByStatus[fields.status] ?? "about:blank",
      ...body,
      ...extensions,
    }),
  };
}

/**
 * At most 200 messages, as ASP.NET's model state holds: the 200th place goes to its "too many" message under
 * `""`. A body of 10,000 bad recipients is told about the first ones, not answered with megabytes.
 */
export function capErrors(errors: Record<string, string[]>): Record<string, string[]> {
  // No prototype: a field named "constructor" or "__proto__" is a key like any other.
  const capped = nullPrototypeRecord<string[]>();
  let count = 0;
  for (const [key, messages] of Object.entries(errors)) {
    for (const message of messages) {
      if (count === maxReportedErrors - 1) {
        (capped[""] ??= []).push(tooManyErrorsMessage);
        return capped;
      }
      (capped[key] ??= []).push(message);
      count += 1;
    }
  }
  return capped;
}

export function validationProblem(errors: Record<string, string[]>): HttpResponseInit {
  return problem({
    status: 400,
    title: "One or more validation errors occurred.",
    errors: capErrors(errors),
  });
}

const statusByKind: Record<ErrorKind, { status: number; title: string }> = {
  validation: { status: 400, title: "One or more validation errors occurred." },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not Found" },
  conflict: { status: 409, title: "Conflict" },
  "missing-contact": { status: 422, title: "Unprocessable Content" },
  transient: { status: 503, title: "Service Unavailable" },
  permanent: { status: 500, title: "Internal Server Error" },
  // 499 is nginx's name for it; Altinn answers it too (NOT-00002), though nobody is left to read it.
  "client-closed": { status: 499, title: "Client Closed Request" },
};

export function problemFromError(error: AppError): HttpResponseInit {
  const { status, title } = statusByKind[error.kind];
  if (error.kind === "missing-contact") {
    const { code, detail } = problemCodes.missingContact;
    return problem({ status, title, code, detail });
  }
  if (error.kind === "client-closed") {
    const { code, detail } = problemCodes.requestTerminated;
    return problem({ status, title, code, detail });
  }
  if (error.kind === "transient") {
    const retryAfter = Math.max(1, Math.ceil((error.details.retryAfterMs ?? 5_000) / 1000));
    return problem({
      status,
      title,
      detail: "A dependency is temporarily unavailable. Retry the request.",
      headers: { "retry-after": String(retryAfter) },
    });
  }
  if (error.kind === "unauthorized") {
    return problem({
      status,
      title,
      detail: error.message,
      headers: { "www-authenticate": 'Bearer error="invalid_token"' },
    });
  }
  if (error.kind === "permanent") return problem({ status, title });
  const errors = error.details.errors;
  return problem({ status, title, detail: error.message, ...(errors ? { errors: capErrors(errors) } : {}) });
}
