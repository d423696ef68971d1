import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWK } from "jose";
import type { ControllableClock } from "./controllableClock";
import type { ExtraRoute } from "./host/functionsHost";
import { isRecord, parseJson } from "../narrowing";
import { localPageHtml } from "./localPage";
import type { PageView } from "./localView";
import type { Outbox } from "./outbox";
import { readBytes } from "./serverIo";

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(body));
}

async function readText(request: IncomingMessage): Promise<string> {
  return (await readBytes(request)).toString("utf8");
}

const prefix = "/notifications/api/v1/local";

function sendPage(response: ServerResponse): void {
  response.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The page's own script and styles only; an email's HTML renders in a sandboxed frame.
    "content-security-policy":
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-src 'self'; img-src data:",
  });
  response.end(localPageHtml);
}

/**
 * Routes only local mode serves: the token keys, the outbox of captured messages, the clock, and the local
 * page (`/local/`) with the data it polls (`local/view`).
 */
export function localRoutes(
  publicJwk: JWK,
  outbox: Outbox,
  clock: ControllableClock,
  pageView: () => Promise<PageView>,
): ExtraRoute[] {
  return [
    { method: "GET", path: "/local/", handler: (_req, res) => sendPage(res) },
    {
      method: "GET",
      path: "/local",
      handler: (_req, res) => {
        res.writeHead(301, { location: "/local/" });
        res.end();
      },
    },
    {
      method: "GET",
      path: `${prefix}/view`,
      handler: async (_req, res) => sendJson(res, 200, await pageView()),
    },
    {
      method: "GET",
      path: "/.well-known/jwks.json",
      handler: (_req, res) => sendJson(res, 200, { keys: [publicJwk] }),
    },
    { method: "GET", path: `${prefix}/outbox`, handler: (_req, res) => sendJson(res, 200, outbox.list()) },
    {
      method: "DELETE",
      path: `${prefix}/outbox`,
      handler: (_req, res) => {
        outbox.clear();
        sendJson(res, 200, { cleared: true });
      },
    },
    {
      method: "PUT",
      path: `${prefix}/clock`,
      handler: async (req, res) => {
        let at: unknown;
        try {
          const body = parseJson((await readText(req)) || "{}");
          if (!isRecord(body)) throw new TypeError("the body is not a JSON object");
          at = body["at"];
        } catch {
          at = undefined;
        }
        if (typeof at !== "string" || Number.isNaN(Date.parse(at))) {
          return sendJson(res, 400, {
            title: 'The body must be {"at": "<ISO 8601 date-time>"}.',
            status: 400,
          });
        }
        clock.freeze(at);
        sendJson(res, 200, { now: clock.now().toISOString() });
      },
    },
  ];
}
