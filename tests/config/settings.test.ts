import { describe, expect, it } from "vitest";
import { parseSettings, settingsProblems } from "../../shared/config/settings";

const auth = {
  AUTH_ISSUER: "https://maskinporten.no/",
  AUTH_AUDIENCE: "varsel",
  AUTH_JWKS_URI: "https://maskinporten.no/jwk",
};

const problemsOf = settingsProblems;

describe("settings", () => {
  it("lists every missing Azure setting at once, not just the first", () => {
    const problems = problemsOf({ VARSEL_MODE: "azure", ...auth });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("COSMOS_ENDPOINT"),
        expect.stringContaining("ServiceBusConnection__fullyQualifiedNamespace"),
        expect.stringContaining("ACS_EMAIL_ENDPOINT"),
        expect.stringContaining("LINK_PASSWORD"),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(8);
  });

  it("takes the settings for Azure when VARSEL_MODE is unset, and names an unknown mode", () => {
    expect(problemsOf({ ...auth })).toEqual(
      expect.arrayContaining(["COSMOS_ENDPOINT: COSMOS_ENDPOINT is required when VARSEL_MODE is azure"]),
    );
    expect(problemsOf({ VARSEL_MODE: "cloud", ...auth })).toEqual([expect.stringMatching(/^VARSEL_MODE:/)]);
  });

  it("refuses the local host's settings in Azure mode, listed with the missing ones", () => {
    const problems = problemsOf({ VARSEL_MODE: "azure", ...auth, LOCAL_CLOCK_FIXED: "2026-01-01T00:00:00Z" });
    expect(problems).toContain("LOCAL_CLOCK_FIXED: LOCAL_CLOCK_FIXED is only allowed in local mode");
    expect(problems).toContain("LINK_PASSWORD: LINK_PASSWORD is required when VARSEL_MODE is azure");
  });

  it("gives the Azure endpoints as set, and keeps a malformed one's own message", () => {
    const azure = {
      VARSEL_MODE: "azure",
      ...auth,
      COSMOS_ENDPOINT: "https://cosmos.example/",
      ServiceBusConnection__fullyQualifiedNamespace: "sb.example",
      ACS_EMAIL_ENDPOINT: "https://acs.example/",
      LINK_GATEWAY_URL: "https://link.example/",
      LINK_USERNAME: "u",
      LINK_PASSWORD: "p",
      LINK_REPORT_USERNAME: "ru",
      LINK_REPORT_PASSWORD: "rp",
    };
    const parsed = parseSettings(azure);
    expect(parsed.VARSEL_MODE === "azure" && parsed.ServiceBusConnection__fullyQualifiedNamespace).toBe(
      "sb.example",
    );
    expect(problemsOf({ ...azure, COSMOS_ENDPOINT: "not a url" })).toEqual([
      expect.stringMatching(/^COSMOS_ENDPOINT: (?!COSMOS_ENDPOINT is required)/),
    ]);
  });

  it("names the key and the problem of a malformed value", () => {
    const problems = problemsOf({
      VARSEL_MODE: "local",
      ...auth,
      AUTH_JWKS_URI: "not a url",
      SMS_DEFAULT_SENDER: "A sender name that is too long",
    });
    expect(problems.some((p) => p.startsWith("AUTH_JWKS_URI:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SMS_DEFAULT_SENDER:"))).toBe(true);
  });

  it("treats empty values as unset and applies defaults in local mode", () => {
    const parsed = parseSettings({ VARSEL_MODE: "local", ...auth, COSMOS_ENDPOINT: "", COSMOS_DATABASE: "" });
    expect(parsed.COSMOS_ENDPOINT).toBeUndefined();
    expect(parsed.COSMOS_DATABASE).toBe("varsel");
  });

  it("takes an unresolved Key Vault reference as no metrics API key, and refuses a short key", () => {
    const reference = "@Microsoft.KeyVault(SecretUri=https://kv-x.vault.azure.net/secrets/metrics-api-key)";
    expect(parseSettings({ VARSEL_MODE: "local", ...auth, METRICS_API_KEY: reference }).METRICS_API_KEY).toBe(
      undefined,
    );
    expect(problemsOf({ VARSEL_MODE: "local", ...auth, METRICS_API_KEY: "short" })).toEqual([
      expect.stringMatching(/^METRICS_API_KEY:/),
    ]);
  });

  it("reads the Daytime window from SENDING_WINDOW and names what is wrong with it", () => {
    const window = {
      startHour: 8,
      endHour: 16,
      timeZone: "Europe/Oslo",
      workingDaysOnly: true,
      holidays: "none",
    };
    expect(
      parseSettings({ VARSEL_MODE: "local", ...auth, SENDING_WINDOW: JSON.stringify(window) }).SENDING_WINDOW,
    ).toEqual(window);
    expect(parseSettings({ VARSEL_MODE: "local", ...auth }).SENDING_WINDOW).toMatchObject({
      startHour: 9,
      endHour: 17,
      holidays: "NO",
    });
    expect(problemsOf({ VARSEL_MODE: "local", ...auth, SENDING_WINDOW: "{not json" })).toEqual([
      "SENDING_WINDOW: must be JSON",
    ]);
    const backwards = problemsOf({
      VARSEL_MODE: "local",
      ...auth,
      SENDING_WINDOW: JSON.stringify({ ...window, startHour: 17, endHour: 9 }),
    });
    expect(backwards).toEqual(["SENDING_WINDOW: startHour must be before endHour"]);
  });
});
