import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureRoot } from "../../shared/app/azureRoot";
import type { Dependencies } from "../../shared/app/dependencies";
import { hostServices, useLocalRoot } from "../../shared/app/hostServices";
import { parseSettings } from "../../shared/config/settings";
import { systemClock } from "../../shared/ports/clock";

const auth = {
  AUTH_ISSUER: "https://maskinporten.no/",
  AUTH_AUDIENCE: "varsel",
  AUTH_JWKS_URI: "https://maskinporten.no/jwk",
};

describe("the host's dependencies", () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { VARSEL_MODE: "local", ...auth }));
  afterAll(() => {
    process.env = saved;
  });

  it("refuse local mode until the local host has registered its root", async () => {
    await expect(hostServices()).rejects.toThrow(
      /no local runtime is registered: start the service with `npm start`/,
    );
  });

  it("are the local root's once the local host has registered it", async () => {
    const local = { clock: systemClock } as unknown as Dependencies;
    useLocalRoot(async () => local);
    await expect(hostServices()).resolves.toBe(local);
  });
});

function azureSettings() {
  const parsed = parseSettings({
    VARSEL_MODE: "azure",
    ...auth,
    COSMOS_ENDPOINT: "https://cosmos.example/",
    ServiceBusConnection__fullyQualifiedNamespace: "sb.example.servicebus.windows.net",
    ACS_EMAIL_ENDPOINT: "https://acs.example/",
    LINK_GATEWAY_URL: "https://link.example/",
    LINK_USERNAME: "u",
    LINK_PASSWORD: "p",
    LINK_REPORT_USERNAME: "ru",
    LINK_REPORT_PASSWORD: "rp",
  });
  if (parsed.VARSEL_MODE !== "azure") throw new Error("expected the Azure settings");
  return parsed;
}

describe("the Azure root", () => {
  it("is built from the Azure settings alone, without reaching any service", () => {
    const deps = azureRoot(azureSettings());
    expect(deps.clock).toBe(systemClock);
    expect(deps.settings.VARSEL_MODE).toBe("azure");
  });
});
