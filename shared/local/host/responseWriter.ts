import type { ServerResponse } from "node:http";
import { HttpResponse, type Cookie } from "@azure/functions";
import { isRecord } from "../../narrowing";

const problemTypes: Record<number, string> = {
  400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
  404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
  405: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
  408: "https://tools.ietf.org/html/rfc9110#section-15.5.9",
  413: "https://tools.ietf.org/html/rfc9110#section-15.5.14",
  431: "https://tools.ietf.org/html/rfc6585#section-5",
  500: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
  503: "https://tools.ietf.org/html/rfc9110#section-15.6.4",
};

function problemBody(status: number, title: string): Buffer {
  return Buffer.from(JSON.stringify({ type: problemTypes[status] ?? "about:blank", title, status }));
}

/**
 * A problem response written straight to a socket, for a request the HTTP parser gave up on (a timeout, a
 * malformed or oversized head): there is no response object then. The connection closes after it.
 */
export function rawProblemResponse(status: number, title: string): string {
  const body = problemBody(status, title);
  return (
    `HTTP/1.1 ${status} ${title}\r\n` +
    "content-type: application/problem+json\r\n" +
    `content-length: ${body.length}\r\n` +
    "connection: close\r\n\r\n" +
    body.toString("utf8")
  );
}

/** Answers for requests the host itself refuses, as RFC 9457 problem details. */
export function writeProblem(
  response: ServerResponse,
  status: number,
  title: string,
  headers: Record<string, string> = {},
): void {
  const body = problemBody(status, title);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/problem+json",
    "content-length": String(body.length),
  });
  response.end(body);
}

function isHttpResponse(value: object): value is HttpResponse {
  // Duck-typed: a registration file may load its own copy of the package, so instanceof can fail.
  return (
    isRecord(value) &&
    typeof value["arrayBuffer"] === "function" &&
    typeof value["status"] === "number" &&
    value["headers"] instanceof Headers
  );
}

/** RFC 6265 Set-Cookie value for the cookies a handler returns (`HttpResponseInit.cookies`). */
function serializeCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure) parts.push("Secure");
  if (cookie.httpOnly) parts.push("HttpOnly");
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join("; ");
}

const bodilessStatuses = new Set([204, 304]);
const framingHeaders = new Set(["set-cookie", "content-length", "transfer-encoding", "connection"]);

/**
 * Writes what an HTTP handler returned. `HttpResponseInit` goes through the package's own `HttpResponse`,
 * as `toRpcHttp` does in Azure, so status defaults, `jsonBody` and body encodings behave the same.
 */
export async function writeHandlerResult(
  response: ServerResponse,
  result: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  if (result === undefined || result === null) {
    response.writeHead(204, extraHeaders);
    response.end();
    return;
  }
  if (typeof result !== "object") {
    throw new Error(`an HTTP handler returned a ${typeof result}; return an HttpResponseInit object`);
  }
  const handlerResponse = isHttpResponse(result) ? result : new HttpResponse(result);
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  handlerResponse.headers.forEach((value, name) => {
    // Framing is the server's business: the length is recomputed from the body written below.
    if (!framingHeaders.has(name)) headers[name] = value;
  });
  const cookies = [
    ...handlerResponse.headers.getSetCookie(),
    ...handlerResponse.cookies.map(serializeCookie),
  ];
  if (cookies.length > 0) headers["set-cookie"] = cookies;

  const body = bodilessStatuses.has(handlerResponse.status)
    ? Buffer.alloc(0)
    : Buffer.from(await handlerResponse.arrayBuffer());
  if (!bodilessStatuses.has(handlerResponse.status)) headers["content-length"] = String(body.length);
  response.writeHead(handlerResponse.status, headers);
  response.end(body);
}
