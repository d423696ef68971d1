import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { JwtVerifier } from "../../shared/auth/jwtVerifier";
import { parseSettings } from "../../shared/config/settings";
import { isAppError } from "../../shared/errors";
import { serviceOwnerClaims, startTestIssuer, type TestIssuer } from "../support/jwks";

let issuer: TestIssuer;
let verifier: JwtVerifier;

beforeAll(async () => {
  issuer = await startTestIssuer();
  const settings = parseSettings({
    VARSEL_MODE: "local",
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS_URI: issuer.jwksUri,
  });
  verifier = new JwtVerifier({
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    jwksUri: settings.AUTH_JWKS_URI,
    clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
  });
});
afterAll(() => issuer.close());
afterEach(() => vi.useRealTimers());

const unauthorized = (e: unknown) => isAppError(e, "unauthorized");

describe("token expiry with the default clock skew", () => {
  it("defaults AUTH_CLOCK_SKEW_SECONDS to 0, as Altinn (ClockSkew = 0); the setting stays", () => {
    const base = { VARSEL_MODE: "local", AUTH_ISSUER: "i", AUTH_AUDIENCE: "a", AUTH_JWKS_URI: "http://x/" };
    expect(parseSettings(base).AUTH_CLOCK_SKEW_SECONDS).toBe(0);
    expect(parseSettings({ ...base, AUTH_CLOCK_SKEW_SECONDS: "30" }).AUTH_CLOCK_SKEW_SECONDS).toBe(30);
  });

  it("refuses a token that expired a second ago", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await issuer.sign(serviceOwnerClaims("991825827"), { expiresIn: now - 1 });
    await expect(verifier.verify(`Bearer ${expired}`)).rejects.toSatisfy(unauthorized);
  });

  it("refuses a token it verified before once it has expired (the cache keeps no token past exp)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(serviceOwnerClaims("991825827"), { expiresIn: now + 60 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: "991825827" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((now + 60) * 1000);
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toSatisfy(unauthorized);
  });
});
