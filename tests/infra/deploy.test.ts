/**
 * What the first `azd up` needs to deploy and run: the app can reach its storage (with or without the VNet),
 * deployments that Azure serialises are ordered, and the package azd uploads holds the compiled app.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  asArray,
  asObject,
  Conditional,
  moduleParams,
  parseTemplate,
  plain,
  projectRoot,
  sourceOf,
  type BicepValue,
  type Template,
} from "./bicep";
import type { Schema } from "./schema";

const main = parseTemplate("infra/main.bicep");
const network = parseTemplate("infra/app/network.bicep");

/** The branch of `vnetEnabled ? a : b` (or its negation) for a setting of vnetEnabled; other values as they are. */
function withVnet(value: BicepValue | undefined, vnetEnabled: boolean): BicepValue | undefined {
  if (!(value instanceof Conditional)) return value;
  const condition = value.condition.replace(/\s/g, "");
  if (condition === "vnetEnabled") return vnetEnabled ? value.whenTrue : value.whenFalse;
  if (condition === "!vnetEnabled") return vnetEnabled ? value.whenFalse : value.whenTrue;
  throw new Error(`cannot evaluate ${value.condition}`);
}

/** Why the storage account would refuse the app, for a storage module call in main.bicep; empty when it would not. */
export function storageReachProblems(template: Template): string[] {
  const problems: string[] = [];
  const params = moduleParams(template, "storage");
  if (!("networkAcls" in params))
    return [
      "storage passes no networkAcls: AVM storage-account 0.33.0 then sets defaultAction Deny, and the app has no network path",
    ];
  for (const vnetEnabled of [false, true]) {
    const acls = withVnet(params["networkAcls"], vnetEnabled);
    const access = withVnet(params["publicNetworkAccess"], vnetEnabled);
    const at = `vnetEnabled=${vnetEnabled}`;
    const literal =
      acls && typeof acls === "object" && !Array.isArray(acls)
        ? (acls as Record<string, BicepValue>)
        : undefined;
    if (!literal) {
      problems.push(`${at}: networkAcls is not an object literal: ${sourceOf(acls)}`);
      continue;
    }
    if (!vnetEnabled && literal["defaultAction"] !== "Allow")
      problems.push(
        `${at}: networkAcls.defaultAction ${JSON.stringify(literal["defaultAction"])}: without the VNet the host and the deployment reach storage over its public endpoint, so it must be Allow`,
      );
    if (!String(literal["bypass"] ?? "").includes("AzureServices"))
      problems.push(
        `${at}: networkAcls.bypass must include AzureServices (Event Grid writes dead-lettered events with its identity)`,
      );
    if (access !== "Enabled")
      problems.push(
        `${at}: publicNetworkAccess ${JSON.stringify(access)}: the trusted-service exception needs the public endpoint enabled`,
      );
  }
  return problems;
}

describe("The app can reach its storage account (host locks and keys, the deployment package)", () => {
  it("passes explicit networkAcls: Allow without the VNet; with it Deny, except trusted Azure services", () => {
    const problems = storageReachProblems(main);
    expect(problems, problems.join("\n")).toEqual([]);
    const acls = moduleParams(main, "storage")["networkAcls"];
    expect(plain(withVnet(acls, true))).toEqual({ defaultAction: "Deny", bypass: "AzureServices" });
  });

  it("would fail the first deployment if networkAcls were left to the module or set to Deny", () => {
    const storage = main.modules.find((m) => m.symbol === "storage")!;
    const params = asObject(storage.body["params"], "storage params");
    const mutate = (p: Record<string, BicepValue>): Template => ({
      ...main,
      modules: main.modules.map((m) =>
        m === storage ? { ...storage, body: { ...storage.body, params: p } } : m,
      ),
    });
    const { networkAcls: _omitted, ...withoutAcls } = params;
    expect(storageReachProblems(mutate(withoutAcls)).join("\n")).toMatch(/defaultAction Deny/);
    expect(
      storageReachProblems(
        mutate({ ...params, networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } }),
      ).join("\n"),
    ).toMatch(/vnetEnabled=false: networkAcls.defaultAction "Deny"/);
  });

  it("relies on a parameter the pinned module really has, with those values (fixtures/avm-modules.json)", () => {
    const modules = JSON.parse(
      readFileSync(join(projectRoot, "tests", "infra", "fixtures", "avm-modules.json"), "utf8"),
    ) as {
      modules: Record<string, { parameters: Record<string, { schema: Schema }> }>;
    };
    const storage = main.modules.find((m) => m.symbol === "storage")!;
    const acls = modules.modules[storage.path.replace("br/public:", "")]?.parameters["networkAcls"]?.schema;
    expect(acls?.type).toBe("object");
    const defaultAction = acls?.type === "object" ? acls.properties?.["defaultAction"]?.schema : undefined;
    expect(defaultAction).toEqual({ type: "string", enum: ["Allow", "Deny"] });
  });
});

/** The value of `cond ? a : b` (nested) under the given bindings; conditions `x`, `!x` and `x == 'literal'`. */
function choose(value: BicepValue | undefined, bindings: Record<string, BicepValue>): BicepValue | undefined {
  if (!(value instanceof Conditional)) return value;
  const c = value.condition.trim();
  const equals = /^(\w+) == '([^']*)'$/.exec(c);
  const holds = equals
    ? bindings[equals[1]!] === equals[2]
    : c.startsWith("!")
      ? bindings[c.slice(1)] === false
      : bindings[c] === true;
  if (!equals && !(c.replace(/^!/, "") in bindings)) throw new Error(`cannot evaluate ${c}`);
  return choose(holds ? value.whenTrue : value.whenFalse, bindings);
}

/** Firewalls that would refuse the app without the VNet (it then has nothing but the public endpoints). */
export function publicFirewallProblems(templates: Record<string, Template>): string[] {
  const problems: string[] = [];
  const noVnet = { vnetEnabled: false };
  const main_ = templates["infra/main.bicep"]!;
  const keyVaultAccess = choose(moduleParams(main_, "keyVault")["publicNetworkAccess"], noVnet);
  const vault = moduleParams(templates["infra/app/key-vault.bicep"]!, "vault");
  const vaultAcls = asObject(vault["networkAcls"], "vault networkAcls");
  const vaultDefault = choose(vaultAcls["defaultAction"], { publicNetworkAccess: keyVaultAccess ?? null });
  if (keyVaultAccess !== "Enabled" || vaultDefault !== "Allow")
    problems.push(
      `Key Vault: publicNetworkAccess ${String(keyVaultAccess)}, networkAcls.defaultAction ${String(vaultDefault)}: the app resolves its Key Vault references over the public endpoint`,
    );
  const cosmosAccess = choose(moduleParams(main_, "cosmos")["publicNetworkAccess"], noVnet);
  const account = templates["infra/app/cosmos.bicep"]!.resources.find(
    (r) => r.type === "Microsoft.DocumentDB/databaseAccounts",
  )!;
  const accountProperties = asObject(account.body["properties"], "account properties");
  if (
    cosmosAccess !== "Enabled" ||
    sourceOf(accountProperties["publicNetworkAccess"]) !== "publicNetworkAccess"
  )
    problems.push(`Cosmos DB: publicNetworkAccess ${String(cosmosAccess)} without the VNet`);
  for (const key of ["ipRules", "isVirtualNetworkFilterEnabled", "virtualNetworkRules"])
    if (key in accountProperties)
      problems.push(`Cosmos DB: ${key} set; the app has no fixed address without the VNet`);
  const namespace = moduleParams(templates["infra/app/service-bus.bicep"]!, "namespace");
  const rules = choose(namespace["networkRuleSets"], noVnet);
  if (rules !== null && rules !== undefined)
    problems.push(`Service Bus: networkRuleSets ${sourceOf(rules)} without the VNet`);
  if (namespace["publicNetworkAccess"] !== "Enabled")
    problems.push("Service Bus: publicNetworkAccess is not Enabled");
  return problems;
}

describe("Without the VNet, every service the app uses admits it on its public endpoint (Entra ID only)", () => {
  const files = [
    "infra/main.bicep",
    "infra/app/key-vault.bicep",
    "infra/app/cosmos.bicep",
    "infra/app/service-bus.bicep",
  ];
  const templates = Object.fromEntries(files.map((f) => [f, parseTemplate(f)]));

  it("leaves the Key Vault, Cosmos DB and Service Bus firewalls open", () => {
    const problems = publicFirewallProblems(templates);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("would report a Key Vault firewall set to Deny", () => {
    const keyVault = templates["infra/app/key-vault.bicep"]!;
    const vault = keyVault.modules.find((m) => m.symbol === "vault")!;
    const params = asObject(vault.body["params"], "vault params");
    const denied = {
      ...keyVault,
      modules: [
        {
          ...vault,
          body: {
            ...vault.body,
            params: { ...params, networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } },
          },
        },
      ],
    };
    expect(publicFirewallProblems({ ...templates, "infra/app/key-vault.bicep": denied }).join("\n")).toMatch(
      /Key Vault: publicNetworkAccess Enabled, networkAcls.defaultAction Deny/,
    );
  });
});

describe("vnetEnabled: VNet integration and private endpoints for storage, Cosmos DB, Service Bus and Key Vault", () => {
  const endpoints = main.modules.filter((m) => m.path === "app/private-endpoint.bicep");

  it("is a parameter, off by default, that azd can set (VARSEL_VNET_ENABLED)", () => {
    expect(main.params.get("vnetEnabled")?.defaultValue).toBe(false);
    const parameters = JSON.parse(
      readFileSync(join(projectRoot, "infra", "main.parameters.json"), "utf8"),
    ) as {
      parameters: Record<string, { value: string }>;
    };
    expect(parameters.parameters["vnetEnabled"]?.value).toBe("${VARSEL_VNET_ENABLED=false}");
  });

  it("integrates the app with a subnet delegated to Microsoft.App/environments, with a NAT gateway for outbound calls", () => {
    expect(main.modules.find((m) => m.symbol === "network")?.condition).toBe("vnetEnabled");
    expect(sourceOf(moduleParams(main, "functionApp")["virtualNetworkSubnetId"])).toBe(
      "vnetEnabled ? network!.outputs.appSubnetId : ''",
    );
    const vnet = network.resources.find((r) => r.type === "Microsoft.Network/virtualNetworks")!;
    const subnets = asArray(asObject(vnet.body["properties"], "vnet properties")["subnets"], "subnets").map(
      (s) => asObject(s, "subnet"),
    );
    const app = subnets.find((s) => sourceOf(s["name"]) === "appSubnetName")!;
    const appProperties = asObject(app["properties"], "app subnet properties");
    expect(plain(appProperties["delegations"])).toEqual([
      { name: "flex-consumption", properties: { serviceName: "Microsoft.App/environments" } },
    ]);
    expect(plain(appProperties["natGateway"])).toEqual({ id: "<natGateway.id>" });
    expect(sourceOf(network.outputs.get("appSubnetId"))).toContain("appSubnetName");
  });

  it("creates a private endpoint, in the DNS zone of its sub-resource, for each of the four services", () => {
    const zones = asObject(network.vars.get("privateDnsZoneNames"), "privateDnsZoneNames");
    const expected: Record<string, { target: string; zone: string; zoneName: RegExp }> = {
      blob: { target: "storage.outputs.resourceId", zone: "blob", zoneName: /^privatelink\.blob\./ },
      Sql: {
        target: "cosmos.outputs.resourceId",
        zone: "cosmos",
        zoneName: /^privatelink\.documents\.azure\.com$/,
      },
      namespace: {
        target: "serviceBus.outputs.resourceId",
        zone: "serviceBus",
        zoneName: /^privatelink\.servicebus\.windows\.net$/,
      },
      vault: {
        target: "keyVault.outputs.resourceId",
        zone: "keyVault",
        zoneName: /^privatelink\.vaultcore\.azure\.net$/,
      },
    };
    expect(endpoints.map((e) => String(moduleParams(main, e.symbol)["groupId"])).sort()).toEqual(
      Object.keys(expected).sort(),
    );
    for (const endpoint of endpoints) {
      expect(endpoint.condition, endpoint.symbol).toBe("vnetEnabled");
      const params = moduleParams(main, endpoint.symbol);
      const want = expected[String(params["groupId"])]!;
      expect(sourceOf(params["targetResourceId"]), endpoint.symbol).toBe(want.target);
      expect(sourceOf(params["privateDnsZoneId"]), endpoint.symbol).toBe(
        `network!.outputs.privateDnsZoneIds.${want.zone}`,
      );
      expect(sourceOf(params["subnetId"]), endpoint.symbol).toBe("network!.outputs.privateEndpointSubnetId");
      const zoneName = zones[want.zone];
      expect(typeof zoneName === "string" ? zoneName : sourceOf(zoneName), endpoint.symbol).toMatch(
        want.zone === "blob" ? /privatelink\.blob\.\$\{environment\(\)\.suffixes\.storage\}/ : want.zoneName,
      );
    }
  });

  it("closes the public endpoints the app no longer needs, and keeps the trusted-service path for Event Grid", () => {
    expect(sourceOf(moduleParams(main, "cosmos")["publicNetworkAccess"])).toBe(
      "vnetEnabled ? 'Disabled' : 'Enabled'",
    );
    expect(sourceOf(moduleParams(main, "keyVault")["publicNetworkAccess"])).toBe(
      "vnetEnabled ? 'Disabled' : 'Enabled'",
    );
    expect(sourceOf(moduleParams(main, "serviceBus")["vnetEnabled"])).toBe("vnetEnabled");
    const namespace = moduleParams(parseTemplate("infra/app/service-bus.bicep"), "namespace");
    expect(plain(withVnet(namespace["networkRuleSets"], true))).toEqual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Deny",
      trustedServiceAccessEnabled: true,
    });
    expect(withVnet(namespace["networkRuleSets"], false)).toBeNull();
  });

  it("starts the app only after the private endpoints of its storage and Key Vault exist", () => {
    const functionApp = main.modules.find((m) => m.symbol === "functionApp")!;
    expect(plain(functionApp.body["dependsOn"])).toEqual([
      "<storagePrivateEndpoint>",
      "<keyVaultPrivateEndpoint>",
    ]);
  });
});

/** Modules and resources a symbol depends on, directly or through others (dependsOn and references). */
function dependencies(template: Template, symbol: string, seen = new Set<string>()): Set<string> {
  const declaration = [...template.modules, ...template.resources].find((d) => d.symbol === symbol);
  if (!declaration) return seen;
  const text = JSON.stringify(plain(declaration.body));
  for (const other of [...template.modules, ...template.resources]) {
    if (other.symbol === symbol || seen.has(other.symbol)) continue;
    if (new RegExp(`\\b${other.symbol}\\b`).test(text)) {
      seen.add(other.symbol);
      dependencies(template, other.symbol, seen);
    }
  }
  return seen;
}

/** Pairs of module calls that both create Cosmos DB sqlRoleAssignments on the account and could run at once. */
export function concurrentSqlRoleAssignments(template: Template): string[] {
  const assigning = template.modules.filter((m) => {
    if (m.path.startsWith("br/")) return false;
    return parseTemplate(join("infra", m.path)).resources.some(
      (r) => r.type === "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments" && !r.existing,
    );
  });
  const problems: string[] = [];
  for (const [i, a] of assigning.entries())
    for (const b of assigning.slice(i + 1))
      if (!dependencies(template, a.symbol).has(b.symbol) && !dependencies(template, b.symbol).has(a.symbol))
        problems.push(
          `${a.symbol} and ${b.symbol} both create sqlRoleAssignments and neither waits for the other`,
        );
  return problems;
}

describe("Deployments Azure serialises are ordered", () => {
  it("creates Cosmos DB sqlRoleAssignments one module after the other (Cosmos rejects a concurrent one with 412)", () => {
    const problems = concurrentSqlRoleAssignments(main);
    expect(problems, problems.join("\n")).toEqual([]);
    const principalRoles = main.modules.find((m) => m.symbol === "principalRoles")!;
    const { dependsOn: _dropped, ...body } = principalRoles.body;
    const unordered = {
      ...main,
      modules: main.modules.map((m) => (m === principalRoles ? { ...m, body } : m)),
    };
    expect(concurrentSqlRoleAssignments(unordered)).toEqual([
      "appRoles and principalRoles both create sqlRoleAssignments and neither waits for the other",
    ]);
  });
});

/** Whether a path is excluded by .funcignore (gitignore patterns without negation). */
export function funcIgnored(patterns: string[], path: string): boolean {
  const segments = path.split("/");
  return patterns.some((raw) => {
    const dirOnly = raw.endsWith("/");
    const pattern = raw.replace(/^\//, "").replace(/\/$/, "");
    const anchored = raw.startsWith("/") || pattern.includes("/");
    const regex = new RegExp(
      `^${pattern
        .split("**")
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, "[^/]*")
            .replace(/\?/g, "[^/]"),
        )
        .join(".*")}$`,
    );
    for (let i = 1; i <= segments.length; i++) {
      const isDirectory = i < segments.length;
      if (dirOnly && !isDirectory) continue;
      if (anchored ? regex.test(segments.slice(0, i).join("/")) : regex.test(segments[i - 1]!)) return true;
    }
    return false;
  });
}

describe("The deployment package holds the compiled app (.funcignore, azure.yaml)", () => {
  const patterns = readFileSync(join(projectRoot, ".funcignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const yaml = readFileSync(join(projectRoot, "azure.yaml"), "utf8");
  const packageJson = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { main: string };

  it("keeps dist/ (what azd's `npm run build` compiled), host.json and package.json", () => {
    expect(patterns.filter((p) => p.startsWith("!"))).toEqual([]);
    const compiled = packageJson.main.replace("*", "pipeline");
    expect(compiled).toMatch(/^dist\//);
    for (const path of [
      compiled,
      "dist/shared/config/settings.js",
      "host.json",
      "package.json",
      "package-lock.json",
    ])
      expect(funcIgnored(patterns, path), path).toBe(false);
  });

  it("leaves node_modules to the remote build, as azd requires when remoteBuild is true", () => {
    expect(yaml).toMatch(/^ {4}remoteBuild: true\b/m);
    expect(funcIgnored(patterns, "node_modules/zod/package.json")).toBe(true);
  });

  it("leaves out secrets, local data, tests and infrastructure", () => {
    for (const path of [
      "local.settings.json",
      ".varsel/outbox.ndjson",
      "tests/infra/deploy.test.ts",
      "infra/main.bicep",
      ".azure/dev/.env",
    ])
      expect(funcIgnored(patterns, path), path).toBe(true);
  });

  it("matches gitignore patterns as azd reads them", () => {
    expect(funcIgnored(["dist/"], "dist/functions/a.js")).toBe(true);
    expect(funcIgnored(["dist/"], "dist")).toBe(false);
    expect(funcIgnored(["/infra/"], "infra/main.bicep")).toBe(true);
    expect(funcIgnored(["*.map"], "dist/functions/a.js.map")).toBe(true);
    expect(funcIgnored(["*.map"], "dist/functions/a.js")).toBe(false);
  });
});

describe("azd sets the deploying principal's type", () => {
  it("maps principalType to AZURE_PRINCIPAL_TYPE, which azd fills in (User, or ServicePrincipal when it signed in as one)", () => {
    const parameters = JSON.parse(
      readFileSync(join(projectRoot, "infra", "main.parameters.json"), "utf8"),
    ) as {
      parameters: Record<string, { value: string }>;
    };
    expect(parameters.parameters["principalType"]?.value).toBe("${AZURE_PRINCIPAL_TYPE}");
    const deploy = readFileSync(join(projectRoot, "docs", "deploy.md"), "utf8");
    expect(deploy).not.toMatch(/azd env set AZURE_PRINCIPAL_TYPE/);
  });
});
