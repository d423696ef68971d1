import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWK } from "jose";
import type { ControllableClock } from "./controllableClock";
import type { ExtraRoute } from "./host/functionsHost";
import type { Outbox } from "./outbox";

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(body));
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const prefix = "/notifications/api/v1/local";

/** Routes only local mode serves: the token keys, the outbox of captured messages, and the clock. */
export function localRoutes(publicJwk: JWK, outbox: Outbox, clock: ControllableClock): ExtraRoute[] {
  return [
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
          ({ at } = JSON.parse((await readText(req)) || "{}") as { at?: unknown });
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
