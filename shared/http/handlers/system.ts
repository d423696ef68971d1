import { apiBase, json, openEndpoint } from "../endpoint";
import { openApiDocument } from "../openapi";

/** Liveness without authentication, answered like ASP.NET health checks. */
export const health = openEndpoint(async () => ({
  status: 200,
  headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  body: "Healthy",
}));

/** `GET openapi.json`, generated from the same schemas that validate requests. */
export const openApi = openEndpoint(async (request) => json(200, openApiDocument(apiBase(request))));
