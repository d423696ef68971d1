import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";

export interface TestIssuer {
  jwksUri: string;
  issuer: string;
  audience: string;
  sign(
    claims: JWTPayload,
    options?: { expiresIn?: string | number; issuer?: string; audience?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** A token issuer with its JWKS served over loopback HTTP, as Maskinporten serves its keys. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = "https://test.maskinporten.local/";
  const audience = "varsel-test";
  return {
    jwksUri: `http://127.0.0.1:${port}/jwk`,
    issuer,
    audience,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "test-key" })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "5m")
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const serviceOwnerClaims = (
  orgNumber: string,
  scope = "altinn:serviceowner/notifications.create",
) => ({
  scope,
  consumer: { authority: "iso6523-actorid-upis", ID: `0192:${orgNumber}` },
});
