import type { TokenCredential } from "@azure/identity";
import type { BearerTokenSource } from "../../ports/bearerToken";

/**
 * Tokens of the app's managed identity for one audience (an Entra ID application id URI), as the
 * `Authorization` of calls that audience checks. The credential caches and refreshes them.
 */
export function entraTokenSource(credential: TokenCredential, audience: string): BearerTokenSource {
  const scope = `${audience.replace(/\/+$/, "")}/.default`;
  return async () => {
    const token = await credential.getToken(scope);
    if (!token) throw new Error(`no token for ${audience}`);
    return token.token;
  };
}
