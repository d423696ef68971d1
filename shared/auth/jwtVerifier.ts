import { createHash } from "node:crypto";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import { AppError } from "../errors";
import type { Principal } from "./principal";

/** Asymmetric algorithms only: a shared-secret token could be forged by anyone who knows the secret. */
const acceptedAlgorithms = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  clockSkewSeconds: number;
}

const consumerSchema = z.object({ ID: z.string().regex(/^0192:\d{9}$/) });

function tenantOf(payload: JWTPayload): string | undefined {
  const altinnOrg = payload["urn:altinn:org"];
  if (typeof altinnOrg === "string" && altinnOrg.length > 0) return altinnOrg;
  const consumer = consumerSchema.safeParse(payload["consumer"]);
  return consumer.success ? consumer.data.ID.slice("0192:".length) : undefined;
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scope = payload["scope"];
  return new Set(typeof scope === "string" ? scope.split(" ").filter(Boolean) : []);
}

/** Verified tokens kept: a Maskinporten client reuses its token for every call until it expires. */
const maxCachedTokens = 5_000;

export class JwtVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly options: JwtVerifierOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
  }

  /** Verifies a bearer token; an invalid one is "unauthorized", a valid one without a tenant "forbidden". */
  async verify(authorization: string | null): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match?.[1]) throw new AppError("unauthorized", "A bearer token is required.");
    // Keyed by the token's hash: 5,000 tokens of up to 16 KiB each would otherwise be 80 MB of keys.
    const cacheKey = createHash("sha256").update(match[1]).digest("base64url");
    const cached = this.verified.get(cacheKey);
    if (cached && Date.now() < cached.expiresAtMs) return cached.principal;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], this.jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: acceptedAlgorithms,
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ["exp"],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
        throw new AppError("unauthorized", "The bearer token is not valid.", { cause: error });
      }
      throw new AppError("transient", "The token signing keys could not be fetched.", { cause: error });
    }
    const tenant = tenantOf(payload);
    if (!tenant) throw new AppError("forbidden", "The token does not identify a service owner organisation.");
    const principal = { tenant, scopes: scopesOf(payload) };
    this.remember(cacheKey, principal, payload.exp);
    return principal;
  }

  private remember(cacheKey: string, principal: Principal, exp: number | undefined): void {
    if (exp === undefined) return;
    if (this.verified.size >= maxCachedTokens) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(cacheKey, { principal, expiresAtMs: (exp + this.options.clockSkewSeconds) * 1000 });
  }
}
