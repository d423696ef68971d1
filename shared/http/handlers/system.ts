import { openEndpoint } from "../endpoint";

/** Liveness without authentication, answered like ASP.NET health checks. */
export const health = openEndpoint(async () => ({
  status: 200,
  headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  body: "Healthy",
}));
