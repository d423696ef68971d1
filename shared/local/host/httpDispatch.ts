import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpRequest } from "@azure/functions";
import { attachClientSignal } from "../../platform/clientConnection";
import { AdmissionGate, type AdmissionLimits } from "./admission";
import { createInvocationContext, formatLogLine, type HostLogger } from "./invocation";
import type { FunctionRegistration } from "./registrations";
import { ClientAbortedError, drainLimitBytes, readRequestBody } from "./requestBody";
import { drainRequest, streamRequestBody } from "./requestStream";
import { writeHandlerResult, writeProblem } from "./responseWriter";
import { compilePrefixedRoute, type HttpRoute, selectRoute } from "./httpRoutes";

/** A plain Node handler the host serves before function routes (e.g. a fake provider or a token endpoint). */
export interface ExtraRoute {
  method: string;
  /** Exact path, without query string. */
  path: string;
  handler(request: IncomingMessage, response: ServerResponse): void | Promise<void>;
}

interface HttpDispatchOptions {
  routePrefix: string;
  registrations: FunctionRegistration[];
  extraRoutes: ExtraRoute[];
  logger: HostLogger;
  maxBodyBytes: number;
  /** How many function invocations run at once, and how many may wait (503 with Retry-After beyond). */
  admission: AdmissionLimits;
  /**
   * Functions that read their body as a stream (`app.setup({ enableHttpStream: true })`): no host cap, the
   * handler bounds what it reads. Every other function gets its body whole, up to `maxBodyBytes`.
   */
  streamedFunctions: ReadonlySet<string>;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Header values as the Functions host passes them: one string per name, repeats joined. */
function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Query values as the Functions host passes them: ASP.NET joins a repeated key's values with commas. */
function queryRecord(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(",");
  return query;
}

function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
  } catch {
    return undefined;
  }
}

/**
 * The request a streamed function gets, built as the package builds it from the Functions host's HTTP proxy
 * (`createStreamRequest` in @azure/functions 4.x: a fetch `Request` over the body stream, `duplex: "half"`).
 * `HttpRequest` takes it as `nativeRequest`, which its public init type does not list.
 */
function streamedRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  request: IncomingMessage,
): Request {
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: streamRequestBody(request), duplex: "half" as const } : {}),
  });
}

/** The status a handler answered with (an `HttpResponseInit` or `HttpResponse`; 200 when it names none). */
function statusOf(result: unknown): number {
  if (
    typeof result === "object" &&
    result !== null &&
    "status" in result &&
    typeof result.status === "number"
  )
    return result.status;
  return result === undefined || result === null ? 204 : 200;
}

/**
 * A signal that aborts when the client goes away before its answer is written: its connection closes
 * while the response is unfinished (a pipelined request's response is not on the socket yet, so the socket
 * is watched, not the response). Handlers read it at their safe points (before they store anything) and
 * answer 499 NOT-00002, as Altinn does; Azure gives a Node worker no such signal.
 */
function clientGoneSignal(request: IncomingMessage, response: ServerResponse): AbortSignal {
  const client = new AbortController();
  const socket = request.socket;
  if (socket.destroyed) {
    client.abort();
    return client.signal;
  }
  const onClose = (): void => {
    if (!response.writableFinished) client.abort();
  };
  socket.once("close", onClose);
  // A kept-alive socket serves many requests: each one's listener goes when its answer is written.
  response.once("finish", () => socket.off("close", onClose));
  return client.signal;
}

/** Routes requests to extra routes, then to HTTP-triggered functions under the route prefix. */
export function createHttpDispatcher(options: HttpDispatchOptions): RequestListener {
  const routes: HttpRoute[] = options.registrations
    .filter((registration) => registration.trigger.type === "httpTrigger")
    .map((registration) => compilePrefixedRoute(registration, options.routePrefix));

  // One line per function: on Azure the HTTP functions scale out under a flood; one local process cannot, and
  // with one line a flood of LINK delivery-report callbacks held order intake up for seconds.
  const gates = new Map<string, AdmissionGate>();
  const gateOf = (name: string): AdmissionGate => {
    const existing = gates.get(name);
    if (existing) return existing;
    const created = new AdmissionGate(options.admission);
    gates.set(name, created);
    return created;
  };
  // Half the longest wait: long enough for the queue to move, short enough not to lose the client.
  const retryAfterSeconds = String(Math.max(1, Math.ceil(options.admission.maxWaitMs / 2_000)));

  const logFailure = (source: string, error: unknown): void =>
    options.logger("error", formatLogLine(source, "error", ["unhandled error", error]));
  // For operators: a request whose client left is counted out loud, never silently dropped.
  const logClientGone = (source: string, what: string): void =>
    options.logger("warning", formatLogLine(source, "warning", [`the client closed the connection ${what}`]));

  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = requestUrl(request);
    if (!url) return writeProblem(response, 400, "Bad Request");
    const method = (request.method ?? "GET").toUpperCase();

    const extra = options.extraRoutes.find(
      (route) => route.path === url.pathname && route.method.toUpperCase() === method,
    );
    if (extra) return extra.handler(request, response);

    const selection = selectRoute(routes, url.pathname, method);
    if (selection.kind === "not-found") return writeProblem(response, 404, "Not Found");
    if (selection.kind === "method-not-allowed") {
      return writeProblem(response, 405, "Method Not Allowed", { allow: selection.allowed.join(", ") });
    }

    const { registration } = selection.route;
    const streamed = options.streamedFunctions.has(registration.name);
    const body = streamed ? undefined : await readRequestBody(request, options.maxBodyBytes);
    if (body?.kind === "too-large") {
      return writeProblem(
        response,
        413,
        "Payload Too Large",
        body.closeConnection ? { connection: "close" } : {},
      );
    }

    const headers = headerRecord(request);
    const httpRequest = new HttpRequest({
      method,
      url: url.toString(),
      headers,
      query: queryRecord(url),
      params: selection.params,
      ...(body && body.bytes.length > 0 ? { body: { bytes: body.bytes } } : {}),
      ...(streamed ? { nativeRequest: streamedRequest(url, method, headers, request) } : {}),
    });
    const clientGone = clientGoneSignal(request, response);
    attachClientSignal(httpRequest, clientGone);
    const gate = gateOf(registration.name);
    if (!(await gate.enter())) {
      return writeProblem(response, 503, "Service Unavailable", { "retry-after": retryAfterSeconds });
    }
    try {
      // A client that gave up while its request waited is not served.
      if (clientGone.aborted) {
        return logClientGone(registration.name, "while its request waited its turn: not run (499 NOT-00002)");
      }
      const context = createInvocationContext(registration, options.logger);
      try {
        const result = await registration.handler(httpRequest, context);
        if (clientGone.aborted) {
          return logClientGone(registration.name, `before its answer: ${statusOf(result)} not delivered`);
        }
        // A streamed body the handler did not read to the end (it refused the request) is dropped first.
        const reusable = !streamed || (await drainRequest(request, drainLimitBytes));
        await writeHandlerResult(response, result, reusable ? {} : { connection: "close" });
      } catch (error) {
        // Our handlers map every failure to a response; reaching this is a bug, but must not stop the host.
        logFailure(registration.name, error);
        if (!response.headersSent) writeProblem(response, 500, "Internal Server Error");
      }
    } finally {
      gate.leave();
    }
  }

  return (request, response) => {
    dispatch(request, response).catch((error: unknown) => {
      if (error instanceof ClientAbortedError) return;
      logFailure("host", error);
      if (!response.headersSent) writeProblem(response, 500, "Internal Server Error");
      else response.destroy();
    });
  };
}
