import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Dependencies, DependencySource } from "../app/dependencies";
import type { Principal } from "../auth/principal";
import { AppError, isAppError } from "../errors";
import { clientSignal } from "../platform/clientConnection";
import { inHttpRequest, noteCaller } from "../telemetry/httpEdge";
import { PayloadTooLargeError, UnsupportedMediaTypeError } from "./body";
import { problem, problemFromError } from "./problem";

export interface AuthenticatedRequest {
  request: HttpRequest;
  context: InvocationContext;
  principal: Principal;
  deps: Dependencies;
}

/** An HTTP handler to be given its dependencies: a registration file passes its host's, a test its own. */
export type Endpoint = (dependencies: DependencySource) => HttpHandler;

/** The public base of every link we return, e.g. `https://host/notifications/api/v1`. */
export function apiBase(request: HttpRequest): string {
  const url = new URL(request.url);
  const prefix = "/notifications/api/v1";
  const at = url.pathname.indexOf(prefix);
  return `${url.origin}${at >= 0 ? url.pathname.slice(0, at) : ""}${prefix}`;
}

function toResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof PayloadTooLargeError) {
    return problem({ status: 413, title: "Payload Too Large", detail: error.message });
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return problem({ status: 415, title: "Unsupported Media Type", detail: error.message });
  }
  if (isAppError(error)) {
    if (error.kind === "client-closed") {
      // For operators: the client will never read this answer (varsel.http.client_closed counts it).
      context.warn(
        `the client closed the request before its answer; answered 499 NOT-00002: ${error.message}`,
      );
    }
    if (error.kind === "transient" || error.kind === "permanent") {
      context.warn(`request failed (${error.kind}): ${error.message}`);
    }
    return problemFromError(error);
  }
  context.error("unexpected failure", error instanceof Error ? error.stack : String(error));
  return problem({ status: 500, title: "Internal Server Error" });
}

/**
 * A safe point of a request that stores nothing before it (a read, or an intake before its first write):
 * when the platform saw the client go away (the local host does, Azure cannot), the request stops here and
 * is answered 499 NOT-00002, as Altinn answers a cancelled request.
 */
export function stopIfClientClosed(request: HttpRequest): void {
  if (clientSignal(request)?.aborted) {
    throw new AppError("client-closed", "The client went away before the answer.");
  }
}

/**
 * Wraps a handler with bearer-token authentication, the scope check, and the mapping of failures to
 * problem responses, so every endpoint answers bad input with a 4xx and never leaks a stack trace.
 */
export function authenticatedEndpoint(
  requiredScope: string,
  handle: (input: AuthenticatedRequest) => Promise<HttpResponseInit>,
): Endpoint {
  return (dependencies) =>
    answering(async (request, context) => {
      const deps = await dependencies();
      const principal = await deps.verifier.verify(request.headers.get("authorization"));
      noteCaller(principal.tenant);
      if (!principal.scopes.has(requiredScope)) {
        throw new AppError("forbidden", `The token lacks the scope ${requiredScope}.`);
      }
      return handle({ request, context, principal, deps });
    });
}

/** Answers every failure of a handler with a problem response inside the request's telemetry. */
function answering(
  handle: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return (request, context) =>
    inHttpRequest(request, context, async () => {
      try {
        return await handle(request, context);
      } catch (error) {
        return toResponse(error, context);
      }
    });
}

/** An endpoint without authentication that needs no dependencies (health, OpenAPI). */
export function openEndpoint(
  handle: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): Endpoint {
  return () => answering(handle);
}

/**
 * An endpoint without a bearer token that uses the dependencies (provider callbacks that check their own
 * credentials, Altinn's helpers).
 */
export function openEndpointWithDependencies(
  handle: (request: HttpRequest, deps: Dependencies) => Promise<HttpResponseInit>,
): Endpoint {
  return (dependencies) => answering(async (request) => handle(request, await dependencies()));
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    jsonBody: body,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  };
}
