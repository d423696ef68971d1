import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { z } from "zod";
import { scopes } from "../auth/principal";
import { isRecord, parseJson } from "../narrowing";

/** Local mode's token issuer and audience; `npm run token` signs for these. */
export const localIssuer = "varsel-local";
export const localAudience = "varsel";

/** Kept beside the dependencies so that tokens survive restarts and the file is never committed. */
export const signingKeyPath = join(process.cwd(), "node_modules", ".cache", "varsel", "signing-key.json");

// jose checks the keys themselves when it imports them; this only checks that the file holds two.
const jwkSchema = z.custom<JWK>(isRecord);
const storedKeySchema = z.object({ privateJwk: jwkSchema, publicJwk: jwkSchema });
type StoredKey = z.infer<typeof storedKeySchema>;

/** Loads local mode's ES256 signing key, creating it on first use. */
export async function localSigningKey(path = signingKeyPath): Promise<StoredKey> {
  try {
    return storedKeySchema.parse(parseJson(readFileSync(path, "utf8")));
  } catch {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const key: StoredKey = {
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "ES256" },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" },
    };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(key), { mode: 0o600 });
    return key;
  }
}

export interface LocalTokenClaims {
  organizationNumber: string;
  scope?: string;
  expiresInSeconds?: number;
}

/** A Maskinporten-shaped token for a service owner organisation, signed with the local key. */
export async function signLocalToken(key: StoredKey, claims: LocalTokenClaims): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, "ES256");
  return new SignJWT({
    scope: claims.scope ?? scopes.create,
    consumer: { authority: "iso6523-actorid-upis", ID: `0192:${claims.organizationNumber}` },
    client_id: `local-${claims.organizationNumber}`,
  })
    .setProtectedHeader({ alg: "ES256", kid: key.publicJwk.kid ?? "local", typ: "JWT" })
    .setIssuer(localIssuer)
    .setAudience(localAudience)
    .setIssuedAt()
    .setExpirationTime(`${claims.expiresInSeconds ?? 3600}s`)
    .sign(privateKey);
}
