import { SpanKind, SpanStatusCode, context as otelContext, trace } from "@opentelemetry/api";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { varselMetrics } from "./metrics";
import { contextFromCarrier } from "./traceContext";
import { inSpan } from "./tracing";

/** The caller's trace context: the host's (Azure Functions instrumentation) when active, else the headers'. */
function parentOf(request: HttpRequest) {
  if (trace.getSpanContext(otelContext.active())) return otelContext.active();
  return contextFromCarrier({
    traceparent: request.headers.get("traceparent") ?? undefined,
    tracestate: request.headers.get("tracestate") ?? undefined,
  });
}

/**
 * Handles one HTTP request in a server span named by its route template (never the path or query, which
 * can hold a sender's reference). A 5xx answer marks the span failed.
 */
export function inHttpRequest(
  request: HttpRequest,
  context: InvocationContext,
  work: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  const route = context.options.trigger["route"];
  const template = typeof route === "string" ? route : context.functionName;
  return inSpan(
    `${request.method} ${template}`,
    {
      kind: SpanKind.SERVER,
      parent: parentOf(request),
      attributes: { "http.request.method": request.method, "http.route": template },
    },
    async (span) => {
      const response = await work();
      const status = response.status ?? 200;
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
      if (status === 499) varselMetrics().clientClosed.add(1, { "http.route": template });
      return response;
    },
  );
}

/** Names the calling organisation on the request's span, once its token is verified. */
export function noteCaller(organization: string): void {
  trace.getActiveSpan()?.setAttribute("varsel.org", organization);
}
