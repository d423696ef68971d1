/**
 * The azd wiring: azure.yaml, the Flex Consumption hosting in Bicep, and the postprovision hook that writes
 * local.settings.json from the azd outputs (run here against stub `azd` and `az` commands).
 */
import { execFileSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asObject, moduleParams, parseTemplate, plain, projectRoot, sourceOf } from "./bicep";
import { azureSettings, localOnlySettings, placeholder, schemaKeys } from "./settingsProbe";

const main = parseTemplate("infra/main.bicep");
const functionApp = parseTemplate("infra/app/function-app.bicep");
const keyVault = parseTemplate("infra/app/key-vault.bicep");
const hookPath = join(projectRoot, "infra", "hooks", "postprovision.sh");

describe("azure.yaml", () => {
  const yaml = readFileSync(join(projectRoot, "azure.yaml"), "utf8");

  it("declares the api service as a TypeScript Function App", () => {
    expect(yaml).toMatch(/^services:\n {2}api:\n(?: {4}.*\n)*? {4}language: ts\n/m);
    expect(yaml).toMatch(/^services:\n {2}api:\n(?: {4}.*\n)*? {4}host: function\n/m);
  });

  it("runs infra/hooks/postprovision.sh after provisioning, and the script is executable", () => {
    expect(yaml).toMatch(
      /^hooks:\n {2}postprovision:\n {4}posix:\n(?: {6}.*\n)*? {6}run: \.\/infra\/hooks\/postprovision\.sh\n/m,
    );
    expect(() => accessSync(hookPath, constants.X_OK)).not.toThrow();
  });
});

describe("Resource names", () => {
  const abbreviations = JSON.parse(
    readFileSync(join(projectRoot, "infra", "abbreviations.json"), "utf8"),
  ) as Record<string, string>;
  const token = "abcdefghijklm"; // uniqueString() is 13 characters
  const nameOf = (symbol: string): string =>
    sourceOf(moduleParams(main, symbol)["name"])
      .replace(/^'|'$/g, "")
      .replace(/\$\{abbrs\.(\w+)\}/g, (_, key: string) => {
        expect(abbreviations, `abbreviations.json has ${key}`).toHaveProperty(key);
        return abbreviations[key]!;
      })
      .replace(/\$\{resourceToken\}/g, token);

  it("uses only abbreviations that abbreviations.json defines", () => {
    const used = [
      ...readFileSync(join(projectRoot, "infra", "main.bicep"), "utf8").matchAll(/\babbrs\.(\w+)/g),
    ].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(5);
    for (const key of used) expect(abbreviations, key).toHaveProperty(key);
  });

  it("keeps names within the limits of their resource types", () => {
    expect(nameOf("storage")).toMatch(/^[a-z0-9]{3,24}$/);
    expect(nameOf("keyVault")).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/);
    expect(nameOf("cosmos")).toMatch(/^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$/);
    expect(nameOf("serviceBus")).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/);
  });
});

describe("Function App hosting", () => {
  const site = moduleParams(functionApp, "site");
  const config = asObject(site["functionAppConfig"], "functionAppConfig");

  it("tags the app for the api service and the azd environment", () => {
    expect(sourceOf(site["tags"])).toBe("union(tags, { 'azd-service-name': 'api' })");
    expect(plain(main.vars.get("tags"))).toEqual({ "azd-env-name": "<environmentName>" });
  });

  it("runs Node 22 on a Flex Consumption (FC1) plan", () => {
    expect(plain(config["runtime"])).toEqual({ name: "node", version: "22" });
    expect(site["kind"]).toBe("functionapp,linux");
    const plan = moduleParams(main, "plan");
    expect(plan["skuName"]).toBe("FC1");
    expect(plan["reserved"]).toBe(true);
    expect(sourceOf(moduleParams(main, "functionApp")["planId"])).toBe("plan.outputs.resourceId");
  });

  it("deploys from blob storage with the user-assigned identity; the account allows no shared keys", () => {
    const storage = asObject(asObject(config["deployment"], "deployment")["storage"], "deployment storage");
    expect(storage["type"]).toBe("blobContainer");
    expect(plain(storage["authentication"])).toEqual({
      type: "UserAssignedIdentity",
      userAssignedIdentityResourceId: "<identityId>",
    });
    expect(plain(site["managedIdentities"])).toEqual({ userAssignedResourceIds: ["<identityId>"] });
    expect(moduleParams(main, "storage")["allowSharedKeyAccess"]).toBe(false);
  });

  it("sends telemetry with Entra auth only and does not store client IP addresses", () => {
    const insights = moduleParams(main, "applicationInsights");
    expect(insights["disableLocalAuth"]).toBe(true);
    expect(insights["disableIpMasking"]).toBe(false);
  });

  it("keeps Key Vault role-based", () => {
    expect(moduleParams(keyVault, "vault")["enableRbacAuthorization"]).toBe(true);
  });
});

describe("postprovision hook", () => {
  const work = mkdtempSync(join(tmpdir(), "varsel-postprovision-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const outputs = [...main.outputs.keys()];
  const secretNames = asObject(keyVault.vars.get("secretNames"), "secretNames");
  const stubValue = (name: string): string =>
    schemaKeys.includes(name)
      ? placeholder(name)
      : name === "AZURE_STORAGE_BLOB_ENDPOINT"
        ? "https://stexample.blob.core.windows.net/"
        : `value-of-${name}`;

  /** Runs the hook with stub azd and az on PATH; returns the Values it wrote and what it printed. */
  function runHook(
    envValues: Record<string, string>,
    secrets: Record<string, string>,
  ): { values: Record<string, string>; printed: string } {
    const dir = mkdtempSync(join(work, "run-"));
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const dotenv = Object.entries(envValues)
      .map(([k, v]) => `${k}="${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`)
      .join("\n");
    writeFileSync(join(dir, "values.env"), `${dotenv}\n`);
    writeFileSync(join(dir, "secrets.json"), JSON.stringify(secrets));
    writeFileSync(
      join(bin, "azd"),
      `#!/usr/bin/env bash\n[ "$1 $2" = "env get-values" ] || exit 2\ncat "${dir}/values.env"\n`,
    );
    // az keyvault secret show --vault-name V --name N --query value --output tsv
    writeFileSync(
      join(bin, "az"),
      `#!/usr/bin/env bash\nnode -e 'const s=require(process.argv[1]); const n=process.argv[process.argv.indexOf("--name")+1]; if(!(n in s)) process.exit(3); process.stdout.write(s[n]+"\\n")' "${dir}/secrets.json" "$@"\n`,
    );
    chmodSync(join(bin, "azd"), 0o755);
    chmodSync(join(bin, "az"), 0o755);
    const target = join(dir, "local.settings.json");
    const printed = execFileSync("bash", [hookPath], {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env["PATH"] ?? ""}`,
        VARSEL_LOCAL_SETTINGS_FILE: target,
      },
      stdio: "pipe",
      encoding: "utf8",
    });
    const written = JSON.parse(readFileSync(target, "utf8")) as {
      IsEncrypted: boolean;
      Values: Record<string, string>;
    };
    expect(written.IsEncrypted).toBe(false);
    return { values: written.Values, printed };
  }

  const allSecrets = Object.fromEntries(
    Object.values(secretNames).map((name) => [String(name), `secret "${String(name)}" \\ $x`]),
  );
  const envValues: Record<string, string> = {
    AZURE_ENV_NAME: "test",
    ...Object.fromEntries(outputs.map((o) => [o, stubValue(o)])),
  };

  it("reads only values that main.bicep outputs (or azd itself sets)", () => {
    const script = readFileSync(hookPath, "utf8");
    const read = [...script.matchAll(/\bvalue "?([A-Za-z_][A-Za-z0-9_]*)"?\)/g)].map((m) => m[1]!);
    const secretFallbacks = [...script.matchAll(/^secret \w+ (\w+) [\w-]+$/gm)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(5);
    for (const name of read) expect(["AZURE_ENV_NAME", ...outputs], name).toContain(name);
    expect(secretFallbacks.sort()).toEqual(Object.keys(secretNames).sort());
    for (const [setting, name] of Object.entries(secretNames))
      expect(script).toContain(`secret ${setting.toLowerCase()} ${setting} ${String(name)}`);
  });

  it("writes a local.settings.json that passes the settings schema in azure mode", () => {
    const { values } = runHook(envValues, allSecrets);
    expect(values["VARSEL_MODE"]).toBe("azure");
    expect(values["FUNCTIONS_WORKER_RUNTIME"]).toBe("node");
    expect(() => azureSettings.parse(values)).not.toThrow();
  });

  it("writes every setting the deployed app has, except the managed-identity ones", () => {
    const { values } = runHook(envValues, allSecrets);
    const appSettings = Object.keys(asObject(functionApp.vars.get("appSettings"), "appSettings"));
    const expected = appSettings.filter((k) => schemaKeys.includes(k) && k !== "AZURE_CLIENT_ID");
    expect(Object.keys(values)).toEqual(expect.arrayContaining(expected));
    expect(Object.entries(values).filter(([, v]) => v === "")).toEqual([]);
    expect(Object.keys(values).filter((k) => k.endsWith("__credential") || k.endsWith("__clientId"))).toEqual(
      [],
    );
    expect(Object.keys(values)).not.toContain("AZURE_CLIENT_ID");
    for (const key of localOnlySettings) expect(Object.keys(values)).not.toContain(key);
    expect(values["AzureWebJobsStorage__blobServiceUri"]).toBe("https://stexample.blob.core.windows.net/");
    expect(values["COSMOS_ENDPOINT"]).toBe(envValues["COSMOS_ENDPOINT"]);
  });

  it("takes the LINK credentials from Key Vault, verbatim", () => {
    const { values } = runHook(envValues, allSecrets);
    for (const [setting, name] of Object.entries(secretNames))
      expect(values[setting]).toBe(allSecrets[String(name)]);
  });

  it("leaves a credential empty when the vault lacks it, and says so", () => {
    const { "link-password": _omitted, ...someSecrets } = allSecrets;
    const { values, printed } = runHook(envValues, someSecrets);
    expect(values["LINK_PASSWORD"]).toBe("");
    expect(values["LINK_USERNAME"]).toBe(allSecrets["link-username"]);
    expect(printed).toContain("LINK_PASSWORD (link-password)");
    expect(printed).not.toContain("LINK_USERNAME");
  });
});
