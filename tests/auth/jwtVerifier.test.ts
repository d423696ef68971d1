import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JwtVerifier } from "../../shared/auth/jwtVerifier";
import { isAppError } from "../../shared/errors";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";

let issuer: TestIssuer;
let verifier: JwtVerifier;

beforeAll(async () => {
  issuer = await startTestIssuer();
  verifier = new JwtVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: issuer.jwksUri,
    clockSkewSeconds: 30,
  });
});
afterAll(() => issuer.close());

const rejectsAs = (kind: "unauthorized" | "forbidden") => (e: unknown) => isAppError(e, kind);

describe("JwtVerifier", () => {
  it("takes the tenant from the Maskinporten consumer and the scopes from the scope claim", async () => {
    const token = await issuer.sign(
      serviceOwnerClaims("991825827", "a b altinn:serviceowner/notifications.create"),
    );
    const principal = await verifier.verify(`Bearer ${token}`);
    expect(principal.tenant).toBe("991825827");
    expect([...principal.scopes]).toContain("altinn:serviceowner/notifications.create");
  });

  it("prefers the urn:altinn:org claim of an Altinn token", async () => {
    const token = await issuer.sign({ ...serviceOwnerClaims("991825827"), "urn:altinn:org": "ttd" });
    expect((await verifier.verify(`Bearer ${token}`)).tenant).toBe("ttd");
  });

  it("accepts a token expired within the clock skew and refuses one expired beyond it", async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await issuer.sign(serviceOwnerClaims("991825827"), { expiresIn: now - 10 });
    await expect(verifier.verify(`Bearer ${justExpired}`)).resolves.toMatchObject({ tenant: "991825827" });
    const longExpired = await issuer.sign(serviceOwnerClaims("991825827"), { expiresIn: now - 120 });
    await expect(verifier.verify(`Bearer ${longExpired}`)).rejects.toSatisfy(rejectsAs("unauthorized"));
  });

  it.each([
    ["another issuer", { issuer: "https://evil.example/" }],
    ["another audience", { audience: "someone-else" }],
  ])("refuses a token from %s", async (_label, options) => {
    const token = await issuer.sign(serviceOwnerClaims("991825827"), options);
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toSatisfy(rejectsAs("unauthorized"));
  });

  it("refuses a symmetric (HS256) token even with matching claims", async () => {
    const token = await new SignJWT(serviceOwnerClaims("991825827"))
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("a-shared-secret-of-sufficient-length-123"));
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toSatisfy(rejectsAs("unauthorized"));
  });

  it("refuses a missing or malformed Authorization header", async () => {
    await expect(verifier.verify(null)).rejects.toSatisfy(rejectsAs("unauthorized"));
    await expect(verifier.verify("Basic abc")).rejects.toSatisfy(rejectsAs("unauthorized"));
    await expect(verifier.verify("Bearer not.a.jwt")).rejects.toSatisfy(rejectsAs("unauthorized"));
  });

  it("forbids a valid token that names no organisation", async () => {
    const token = await issuer.sign({ scope: "altinn:serviceowner/notifications.create" });
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toSatisfy(rejectsAs("forbidden"));
  });
});
