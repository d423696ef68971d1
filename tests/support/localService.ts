import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as LocalServiceModule from "../../shared/local/localService";
import type { LocalService, LocalServiceOptions } from "../../shared/local/localService";
import type * as SigningKey from "../../shared/local/signingKey";
import { errorResponses } from "./errorResponses";

export const projectRoot = join(__dirname, "..", "..");
const requireCompiled = createRequire(__filename);

/**
 * Starts the compiled service as `npm start` does, in this process. The compiled modules are loaded (not the
 * TypeScript sources) so the test shares one module graph with the registration files the host loads.
 */
export async function startCompiledService(
  options: Omit<LocalServiceOptions, "projectRoot"> = {},
): Promise<LocalService> {
  const entry = join(projectRoot, "dist", "shared", "local", "localService.js");
  if (!existsSync(entry))
    throw new Error("dist/ is missing: run `npm run build` (npm test does) before the end-to-end tests");
  const { startLocalService } = requireCompiled(entry) as typeof LocalServiceModule;
  return startLocalService({
    projectRoot,
    port: 0,
    cosmosPort: 0,
    blobPort: 0,
    startTimers: false,
    readLocalSettings: false,
    log: () => {},
    ...options,
  });
}

/** A bearer token the local service accepts, for a service owner organisation. */
export async function localToken(organizationNumber: string, scope?: string): Promise<string> {
  const signing = requireCompiled(
    join(projectRoot, "dist", "shared", "local", "signingKey.js"),
  ) as typeof SigningKey;
  return signing.signLocalToken(await signing.localSigningKey(), { organizationNumber, scope });
}

export interface ApiClient {
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: unknown; text: string }>;
}

export function apiClient(baseUrl: string, token: string): ApiClient {
  return {
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 400) errorResponses.push(text);
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON; keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}
