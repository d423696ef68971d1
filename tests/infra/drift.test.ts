/**
 * Drift between the code and the Bicep templates: the queues, containers, app settings and data roles
 * the code relies on must be declared in infra/ exactly as shared/ defines them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { containers, databaseName, queues, type ContainerDefinition } from "../../shared/platform/resources";
import {
  asArray,
  asObject,
  bicepFiles,
  Conditional,
  Expr,
  moduleParams,
  parseTemplate,
  plain,
  projectRoot,
  sourceOf,
  type BicepValue,
  type ResourceDeclaration,
  type Template,
} from "./bicep";
import type { ZodType } from "zod";
import { azureSettingsSchema } from "../../shared/config/settings";
import { azureSettings, hostSettingKeys, localOnlySettings, schemaKeys } from "./settingsProbe";

const main = parseTemplate("infra/main.bicep");
const serviceBus = parseTemplate("infra/app/service-bus.bicep");
const cosmos = parseTemplate("infra/app/cosmos.bicep");
const functionApp = parseTemplate("infra/app/function-app.bicep");
const rbac = parseTemplate("infra/app/rbac.bicep");
const events = parseTemplate("infra/app/events.bicep");
const keyVault = parseTemplate("infra/app/key-vault.bicep");

function resource(template: Template, type: string, existing = false): ResourceDeclaration {
  const found = template.resources.filter((r) => r.type === type && r.existing === existing);
  if (found.length !== 1) throw new Error(`${template.file}: expected one ${type}, found ${found.length}`);
  return found[0]!;
}

describe("Service Bus queues match shared/platform/resources.ts", () => {
  const declared = asArray(serviceBus.vars.get("queues"), "service-bus.bicep var queues").map((q) =>
    plain(q),
  );
  const expected = Object.values(queues).map((q) => ({
    name: q.name,
    lockDuration: q.lockDuration,
    maxDeliveryCount: q.maxDeliveryCount,
    duplicateDetectionWindow: q.duplicateDetectionWindow,
  }));

  it("declares every queue with the same lockDuration, maxDeliveryCount and duplicateDetectionWindow, and no other", () => {
    expect(declared).toEqual(expected);
  });

  it("keeps every lock within the Service Bus maximum of five minutes", () => {
    for (const q of Object.values(queues)) {
      const minutes = /^PT(?:(\d+)M)?(?:(\d+)S)?$/.exec(q.lockDuration);
      expect(minutes, `${q.name} lockDuration ${q.lockDuration}`).not.toBeNull();
      const seconds = Number(minutes?.[1] ?? 0) * 60 + Number(minutes?.[2] ?? 0);
      expect(seconds, q.name).toBeLessThanOrEqual(300);
    }
  });

  it("passes each queue's settings to the namespace module, with duplicate detection and dead-lettering on", () => {
    expect(plain(moduleParams(serviceBus, "namespace")["queues"])).toEqual({
      for: "queue in queues",
      body: {
        name: "<queue.name>",
        lockDuration: "<queue.lockDuration>",
        maxDeliveryCount: "<queue.maxDeliveryCount>",
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindow: "<queue.duplicateDetectionWindow>",
        deadLetteringOnMessageExpiration: true,
        defaultMessageTimeToLive: "<messageTimeToLive>",
      },
    });
  });

  it("is a Standard namespace with local (SAS) auth disabled; Premium with the VNet, whose private endpoint needs it", () => {
    const params = moduleParams(serviceBus, "namespace");
    const sku = params["skuObject"];
    expect(sku).toBeInstanceOf(Conditional);
    const { condition, whenTrue, whenFalse } = sku as Conditional;
    expect(condition).toBe("vnetEnabled");
    expect(plain(whenFalse)).toEqual({ name: "Standard" });
    expect(plain(whenTrue)).toEqual({ name: "Premium", capacity: 1 });
    expect(params["disableLocalAuth"]).toBe(true);
    expect(serviceBus.params.get("vnetEnabled")?.defaultValue).toBe(false);
  });

  it("hands every queue name to the role assignments", () => {
    expect(plain(serviceBus.outputs.get("queueNames"))).toEqual({
      for: "queue in queues",
      body: "<queue.name>",
    });
  });
});

describe("Cosmos DB containers match shared/platform/resources.ts", () => {
  const declared = asArray(cosmos.vars.get("containers"), "cosmos.bicep var containers").map((c) => plain(c));
  const expected = (Object.values(containers) as ContainerDefinition[]).map((c) => ({
    name: c.name,
    partitionKeyPath: c.partitionKeyPath,
    indexedPaths: c.indexedPaths,
    compositeIndexes: c.compositeIndexes,
    uniqueKeys: c.uniqueKeys,
    defaultTtl: c.defaultTtl ?? null,
  }));

  it("declares every container with the same partition key path, indexed paths, composite indexes, unique keys and default TTL, and no other", () => {
    expect(declared).toEqual(expected);
  });

  it("uses the same database name", () => {
    expect(main.vars.get("cosmosDatabaseName")).toBe(databaseName);
    expect(sourceOf(moduleParams(main, "cosmos")["databaseName"])).toBe("cosmosDatabaseName");
  });

  it("creates each container from its declaration", () => {
    const container = resource(cosmos, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
    expect(container.loop?.collection).toBe("containers");
    const item = container.loop?.item ?? "";
    const definition = asObject(
      asObject(container.body["properties"], "container properties")["resource"],
      "container resource",
    );
    expect(sourceOf(definition["id"])).toBe(`${item}.name`);
    expect(plain(definition["partitionKey"])).toEqual({
      paths: [`<${item}.partitionKeyPath>`],
      kind: "Hash",
      version: 2,
    });
    const indexing = asObject(definition["indexingPolicy"], "indexingPolicy");
    expect(sourceOf(indexing["compositeIndexes"])).toBe(`${item}.compositeIndexes`);
    // Only the declared paths are indexed: every other one is excluded.
    expect(JSON.stringify(plain(indexing["includedPaths"]))).toContain(`${item}.indexedPaths`);
    expect(plain(indexing["excludedPaths"])).toEqual([{ path: "/*" }]);
    expect(sourceOf(definition["defaultTtl"])).toBe(`${item}.defaultTtl`);
    expect(JSON.stringify(plain(definition["uniqueKeyPolicy"]))).toContain(`${item}.uniqueKeys`);
  });

  it("disables key (local) auth and defaults to serverless", () => {
    const account = resource(cosmos, "Microsoft.DocumentDB/databaseAccounts");
    expect(asObject(account.body["properties"], "account properties")["disableLocalAuth"]).toBe(true);
    expect(cosmos.params.get("capacityMode")?.defaultValue).toBe("Serverless");
    expect(main.params.get("cosmosCapacityMode")?.defaultValue).toBe("Serverless");
  });
});

describe("Function App settings match shared/config/settings.ts", () => {
  const appSettings = asObject(functionApp.vars.get("appSettings"), "function-app.bicep var appSettings");
  const keys = Object.keys(appSettings);

  it("sets every setting the schema requires on Azure", () => {
    expect(azureSettings.required.length).toBeGreaterThan(0);
    expect(keys).toEqual(expect.arrayContaining([...azureSettings.required]));
  });

  it("sets every other key the schema declares, except the local-only ones", () => {
    const missing = schemaKeys.filter((k) => !keys.includes(k) && !localOnlySettings.includes(k));
    expect(missing, "add these to the app settings, or to localOnlySettings with a reason").toEqual([]);
    expect(keys.filter((k) => localOnlySettings.includes(k))).toEqual([]);
    expect(localOnlySettings).toEqual(expect.arrayContaining([...azureSettings.rejected]));
  });

  it("sets no key the code does not read (besides the Functions host's own)", () => {
    expect(keys.filter((k) => !schemaKeys.includes(k) && !hostSettingKeys.includes(k))).toEqual([]);
  });

  it("uses the keys of local.settings.sample.json", () => {
    const sample = JSON.parse(readFileSync(join(projectRoot, "local.settings.sample.json"), "utf8")) as {
      Values: Record<string, string>;
    };
    expect(Object.keys(sample.Values)).toEqual(
      expect.arrayContaining(keys.filter((k) => schemaKeys.includes(k))),
    );
  });

  it("passes the schema on Azure once deployment-time values are filled in", () => {
    const env = azureSettings.fill(appSettings);
    expect(() => azureSettings.parse(env)).not.toThrow();
    expect(appSettings["VARSEL_MODE"]).toBe("azure");
  });

  it("connects with the user-assigned identity everywhere", () => {
    const identity = "identityClientId";
    expect(appSettings["ServiceBusConnection__credential"]).toBe("managedidentity");
    expect(sourceOf(appSettings["ServiceBusConnection__clientId"])).toBe(identity);
    expect(sourceOf(appSettings["ServiceBusConnection__fullyQualifiedNamespace"])).toBe(
      "serviceBusFullyQualifiedNamespace",
    );
    expect(appSettings["AzureWebJobsStorage__credential"]).toBe("managedidentity");
    expect(sourceOf(appSettings["AzureWebJobsStorage__clientId"])).toBe(identity);
    expect(sourceOf(appSettings["AZURE_CLIENT_ID"])).toBe(identity);
    expect(sourceOf(appSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"])).toBe(
      `'Authorization=AAD;ClientId=\${${identity}}'`,
    );
    expect(keys).not.toContain("AzureWebJobsStorage");
    expect(keys).not.toContain("COSMOS_KEY");
    const params = moduleParams(main, "functionApp");
    expect(sourceOf(params["identityClientId"])).toBe("identity.outputs.clientId");
    expect(sourceOf(params["identityId"])).toBe("identity.outputs.resourceId");
  });

  it("reads the LINK credentials and the metrics API key from Key Vault references", () => {
    const secretNames = asObject(keyVault.vars.get("secretNames"), "key-vault.bicep var secretNames");
    const secrets = [
      "LINK_USERNAME",
      "LINK_PASSWORD",
      "LINK_REPORT_USERNAME",
      "LINK_REPORT_PASSWORD",
      "METRICS_API_KEY",
    ];
    for (const key of secrets) {
      expect(sourceOf(appSettings[key])).toBe(`'@Microsoft.KeyVault(SecretUri=\${secretUris.${key}})'`);
      expect(sourceOf(asObject(keyVault.outputs.get("secretUris"), "secretUris")[key])).toBe(
        `'\${vault.outputs.uri}secrets/\${secretNames.${key}}'`,
      );
      expect(secretNames[key], key).toEqual(expect.any(String));
    }
    const site = moduleParams(functionApp, "site");
    expect(sourceOf(site["keyVaultAccessIdentityResourceId"])).toBe("identityId");
  });

  it("defaults the token settings to Maskinporten production", () => {
    expect(main.params.get("authIssuer")?.defaultValue).toBe("https://maskinporten.no/");
    expect(main.params.get("authJwksUri")?.defaultValue).toBe("https://maskinporten.no/jwk");
    expect(main.params.get("authAudience")?.defaultValue).toBeUndefined();
  });

  it("defaults every setting it passes through a template parameter to what the code defaults it to", () => {
    const moduleArgs = moduleParams(main, "functionApp");
    const shape = azureSettingsSchema.shape as Record<string, ZodType>;
    let compared = 0;
    for (const [key, value] of Object.entries(appSettings)) {
      const field = shape[key];
      const inner = /^(?:string\()?(\w+)\)?$/.exec(sourceOf(value))?.[1];
      if (!field || !inner || !functionApp.params.has(inner)) continue;
      const mainParam = /^(\w+)$/.exec(sourceOf(moduleArgs[inner]))?.[1];
      const bicepDefault = mainParam ? main.params.get(mainParam)?.defaultValue : undefined;
      const codeDefault = field.safeParse(undefined);
      if (bicepDefault === undefined || !codeDefault.success || codeDefault.data === undefined) continue;
      compared++;
      expect(field.parse(String(bicepDefault)), `${key}: main.bicep ${mainParam} default`).toEqual(
        codeDefault.data,
      );
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });
});

interface RoleFixture {
  roleName: string;
  permissions?: {
    actions: string[];
    notActions?: string[];
    dataActions?: string[];
    notDataActions?: string[];
  };
}
const roleFixture = JSON.parse(
  readFileSync(join(projectRoot, "tests", "infra", "fixtures", "roles.json"), "utf8"),
) as { roles: Record<string, RoleFixture>; cosmosDataPlaneRoles: Record<string, RoleFixture> };

/** The built-in role (from fixtures/roles.json) with this name; its id is what the templates must use. */
function builtIn(roleName: string): string {
  const found = Object.entries(roleFixture.roles).filter(([, r]) => r.roleName === roleName);
  if (found.length !== 1)
    throw new Error(`fixtures/roles.json has no single built-in role named ${roleName}`);
  return found[0]![0];
}

/** Whether a role's permission pattern (with `*` wildcards, case-insensitive) covers an operation. */
function covers(pattern: string, operation: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return regex.test(operation);
}
const grantsOperation = (role: RoleFixture, operation: string, data = false): boolean => {
  const p = role.permissions;
  if (!p) throw new Error(`fixtures/roles.json has no permissions for ${role.roleName}`);
  const [allow, deny] = data
    ? [p.dataActions ?? [], p.notDataActions ?? []]
    : [p.actions, p.notActions ?? []];
  return allow.some((a) => covers(a, operation)) && !deny.some((a) => covers(a, operation));
};

// What each role variable in the templates must be, by name; the ids come from the fixture, not from here.
const roleNames: Record<string, Record<string, string>> = {
  "infra/app/rbac.bicep": {
    storageBlobDataOwner: "Storage Blob Data Owner",
    monitoringMetricsPublisher: "Monitoring Metrics Publisher",
    serviceBusDataSender: "Azure Service Bus Data Sender",
    serviceBusDataReceiver: "Azure Service Bus Data Receiver",
    serviceBusDataOwner: "Azure Service Bus Data Owner",
    keyVaultSecretsUser: "Key Vault Secrets User",
    keyVaultSecretsOfficer: "Key Vault Secrets Officer",
  },
  "infra/app/event-grid-access.bicep": {
    serviceBusDataSender: "Azure Service Bus Data Sender",
    storageBlobDataContributor: "Storage Blob Data Contributor",
  },
};
const roleIds = Object.fromEntries(
  Object.entries(roleNames["infra/app/rbac.bicep"]!).map(([key, name]) => [key, builtIn(name)]),
) as Record<string, string>;
const emailRoleModule = parseTemplate("infra/app/email-sender-role.bicep");
const eventGridAccess = parseTemplate("infra/app/event-grid-access.bicep");
// Broader than anything a principal here needs: never assigned (Service Bus Data Owner only per queue, below).
const overPrivileged = [
  "Owner",
  "Contributor",
  "User Access Administrator",
  "Role Based Access Control Administrator",
  "Key Vault Administrator",
].map(builtIn);

describe("Role ids are Azure's built-in roles (fixtures/roles.json), not copies kept in a test", () => {
  it.each(Object.entries(roleNames))("%s names each role by the id Azure gives it", (file, expected) => {
    const roles = asObject(parseTemplate(file).vars.get("roles"), `${file} var roles`);
    expect(Object.keys(roles).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, name] of Object.entries(expected))
      expect(roleFixture.roles[String(roles[key])]?.roleName, `${file} roles.${key}`).toBe(name);
  });

  it("uses Communication and Email Service Owner's id for the built-in fallback, and Cosmos DB's own data role id", () => {
    expect(roleFixture.roles[String(main.vars.get("communicationAndEmailServiceOwner"))]?.roleName).toBe(
      "Communication and Email Service Owner",
    );
    expect(roleFixture.cosmosDataPlaneRoles[String(rbac.vars.get("cosmosDataContributor"))]?.roleName).toBe(
      "Cosmos DB Built-in Data Contributor",
    );
  });

  it("has no other role id anywhere in infra/", () => {
    const known = new Set([
      ...Object.keys(roleFixture.roles),
      ...Object.keys(roleFixture.cosmosDataPlaneRoles),
    ]);
    for (const file of bicepFiles()) {
      const source = readFileSync(join(projectRoot, file), "utf8");
      for (const [id] of source.matchAll(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g))
        expect(known.has(id), `${file}: ${id} is not a role in fixtures/roles.json`).toBe(true);
    }
  });
});

interface Grant {
  role: string;
  scopeType: string;
  loop?: string;
}

/** Evaluates the small expressions rbac.bicep uses for role ids and conditions: literals, `roles.x`, vars, `!flag` and `flag ? a : b`. */
function evaluate(expression: string, bindings: Record<string, BicepValue>): BicepValue {
  const e = expression.trim();
  const ternary = /^(\w+) \? (.+) : (.+)$/.exec(e);
  if (ternary) {
    return evaluate(evaluate(ternary[1]!, bindings) === true ? ternary[2]! : ternary[3]!, bindings);
  }
  if (e.startsWith("!")) return !evaluate(e.slice(1), bindings);
  const member = /^(\w+)\.(\w+)$/.exec(e);
  if (member) return asObject(evaluate(member[1]!, bindings), member[1]!)[member[2]!] ?? null;
  if (/^'[^']*'$/.test(e)) return e.slice(1, -1);
  if (e in bindings) return bindings[e]!;
  const variable = rbac.vars.get(e);
  if (variable === undefined) throw new Error(`cannot evaluate ${e}`);
  return variable instanceof Expr ? evaluate(variable.text, bindings) : variable;
}

/** The ARM role assignments rbac.bicep makes for a principal, with the role id and the scope's resource type. */
function grants(bindings: Record<string, BicepValue>): Grant[] {
  return rbac.resources
    .filter((r) => r.type === "Microsoft.Authorization/roleAssignments")
    .filter((r) => r.condition === undefined || evaluate(r.condition, bindings) === true)
    .map((r) => {
      const properties = asObject(r.body["properties"], `${r.symbol} properties`);
      expect(sourceOf(properties["principalId"]), r.symbol).toBe("principalId");
      expect(sourceOf(properties["principalType"]), r.symbol).toBe("principalType");
      const roleDefinition =
        /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (.+)\)$/.exec(
          sourceOf(properties["roleDefinitionId"]),
        );
      if (!roleDefinition)
        throw new Error(
          `${r.symbol}: unexpected roleDefinitionId ${sourceOf(properties["roleDefinitionId"])}`,
        );
      const scopeSymbol = sourceOf(r.body["scope"]).replace(/\[.*\]$/, "");
      const scope = rbac.resources.find((s) => s.symbol === scopeSymbol && s.existing);
      return {
        role: String(evaluate(roleDefinition[1]!, bindings)),
        scopeType: scope?.type ?? `(unknown scope ${scopeSymbol})`,
        ...(scope?.loop ? { loop: scope.loop.collection } : {}),
      };
    });
}

const emailSenderRoleId = "custom-email-sender-role";
const app = { manageSecrets: false, manageQueues: true, emailSenderRoleId };

describe("Role assignments: everything the code needs, nothing broader", () => {
  const appGrants = grants(app);
  const appWithoutManage = grants({ ...app, manageQueues: false });
  const operatorGrants = grants({ manageSecrets: true, manageQueues: false, emailSenderRoleId });
  const appSettings = asObject(functionApp.vars.get("appSettings"), "appSettings");

  // Each identity-based connection in the app settings, and the role it needs.
  const needs: { setting: string; role: string; scopeType: string; loop?: string }[] = [
    {
      setting: "AzureWebJobsStorage__credential",
      role: roleIds.storageBlobDataOwner!,
      scopeType: "Microsoft.Storage/storageAccounts",
    },
    {
      setting: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      role: roleIds.monitoringMetricsPublisher!,
      scopeType: "Microsoft.Insights/components",
    },
    {
      setting: "ServiceBusConnection__fullyQualifiedNamespace",
      role: roleIds.serviceBusDataOwner!, // send, receive, and Manage for the scale controller (serviceBusScaleByQueueLength)
      scopeType: "Microsoft.ServiceBus/namespaces/queues",
      loop: "queueNames",
    },
    {
      setting: "ACS_EMAIL_ENDPOINT",
      role: emailSenderRoleId,
      scopeType: "Microsoft.Communication/communicationServices",
    },
    { setting: "LINK_PASSWORD", role: roleIds.keyVaultSecretsUser!, scopeType: "Microsoft.KeyVault/vaults" },
  ];

  it.each(needs)("the app identity has role $role on $scopeType for $setting", (need) => {
    expect(appSettings[need.setting], need.setting).toBeDefined();
    expect(appGrants).toContainEqual({
      role: need.role,
      scopeType: need.scopeType,
      ...(need.loop ? { loop: need.loop } : {}),
    });
  });

  it("grants Cosmos DB Built-in Data Contributor through a Cosmos sqlRoleAssignment for COSMOS_ENDPOINT", () => {
    expect(appSettings["COSMOS_ENDPOINT"]).toBeDefined();
    const assignment = resource(rbac, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
    expect(sourceOf(assignment.body["parent"])).toBe("cosmos");
    const properties = asObject(assignment.body["properties"], "sqlRoleAssignment properties");
    expect(sourceOf(properties["principalId"])).toBe("principalId");
    expect(sourceOf(properties["roleDefinitionId"])).toBe(
      "'${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'",
    );
    expect(sourceOf(properties["scope"])).toBe("cosmos.id");
  });

  it("with manageQueues false, sends and receives on each queue with Data Sender and Data Receiver instead of Data Owner", () => {
    const queueRoles = (g: Grant[]) =>
      g
        .filter((x) => x.scopeType === "Microsoft.ServiceBus/namespaces/queues")
        .map((x) => x.role)
        .sort();
    expect(queueRoles(appWithoutManage)).toEqual(
      [roleIds.serviceBusDataReceiver, roleIds.serviceBusDataSender].sort(),
    );
    expect(queueRoles(appGrants)).toEqual([roleIds.serviceBusDataOwner]);
    expect(queueRoles(operatorGrants)).toEqual(
      [roleIds.serviceBusDataReceiver, roleIds.serviceBusDataSender].sort(),
    );
  });

  it("Data Owner covers what Data Sender and Data Receiver grant, plus the Manage right the scale controller needs", () => {
    const owner = roleFixture.roles[roleIds.serviceBusDataOwner!]!;
    for (const role of [roleIds.serviceBusDataSender!, roleIds.serviceBusDataReceiver!]) {
      const p = roleFixture.roles[role]!.permissions!;
      for (const action of p.actions) expect(grantsOperation(owner, action), action).toBe(true);
      for (const action of p.dataActions ?? [])
        expect(grantsOperation(owner, action, true), action).toBe(true);
    }
    expect(grantsOperation(owner, "Microsoft.ServiceBus/namespaces/queues/write")).toBe(true);
  });

  it("grants the operator Key Vault Secrets Officer instead of Secrets User", () => {
    expect(operatorGrants).toContainEqual({
      role: roleIds.keyVaultSecretsOfficer,
      scopeType: "Microsoft.KeyVault/vaults",
    });
    expect(operatorGrants.map((g) => g.role)).not.toContain(roleIds.keyVaultSecretsUser);
    expect(appGrants.map((g) => g.role)).not.toContain(roleIds.keyVaultSecretsOfficer);
  });

  it("assigns no role broader than needed", () => {
    for (const grant of [...appGrants, ...appWithoutManage, ...operatorGrants])
      expect(overPrivileged).not.toContain(grant.role);
    expect(appGrants).toHaveLength(needs.length);
    for (const grant of appGrants.filter((g) => g.role === roleIds.serviceBusDataOwner))
      expect(grant.scopeType, "Service Bus Data Owner only on a queue").toBe(
        "Microsoft.ServiceBus/namespaces/queues",
      );
  });

  it("grants the app identity unconditionally and the deploying user only when asked", () => {
    const appModule = main.modules.find((m) => m.symbol === "appRoles");
    expect(appModule?.path).toBe("app/rbac.bicep");
    expect(appModule?.condition).toBeUndefined();
    const appParams = moduleParams(main, "appRoles");
    expect(sourceOf(appParams["principalId"])).toBe("identity.outputs.principalId");
    expect(appParams["principalType"]).toBe("ServicePrincipal");
    expect(appParams["manageSecrets"]).toBe(false);
    expect(sourceOf(appParams["manageQueues"])).toBe("serviceBusScaleByQueueLength");
    expect(main.params.get("serviceBusScaleByQueueLength")?.defaultValue).toBe(true);
    expect(sourceOf(appParams["queueNames"])).toBe("serviceBus.outputs.queueNames");

    const user = main.modules.find((m) => m.symbol === "principalRoles");
    expect(user?.path).toBe("app/rbac.bicep");
    expect(user?.condition).toContain("!empty(principalId)");
    const userParams = moduleParams(main, "principalRoles");
    expect(sourceOf(userParams["principalId"])).toBe("principalId");
    expect(userParams["manageSecrets"]).toBe(true);
    expect(userParams["manageQueues"]).toBe(false);
    expect(sourceOf(userParams["queueNames"])).toBe("serviceBus.outputs.queueNames");
  });
});

describe("Email is sent with the narrowest role that can (emailSenderRole)", () => {
  const owner = roleFixture.roles[builtIn("Communication and Email Service Owner")]!;
  const actions = asArray(emailRoleModule.vars.get("actions"), "email-sender-role.bicep var actions").map(
    String,
  );

  it("defines a custom role with exactly the actions ACS documents for sending email", () => {
    expect(actions.sort()).toEqual(
      [
        "Microsoft.Communication/CommunicationServices/Read",
        "Microsoft.Communication/CommunicationServices/Write",
        "Microsoft.Communication/EmailServices/write",
      ].sort(),
    );
    const definition = resource(emailRoleModule, "Microsoft.Authorization/roleDefinitions");
    const properties = asObject(definition.body["properties"], "roleDefinition properties");
    expect(properties["type"]).toBe("CustomRole");
    expect(plain(properties["assignableScopes"])).toEqual(["<assignableScope>"]);
    expect(sourceOf(emailRoleModule.vars.get("assignableScope"))).toBe("resourceGroup().id");
    expect(sourceOf(emailRoleModule.outputs.get("roleDefinitionId"))).toBe(`${definition.symbol}.name`);
  });

  it("grants a subset of Communication and Email Service Owner, without its access-key actions", () => {
    for (const action of actions) expect(grantsOperation(owner, action), action).toBe(true);
    for (const keyAction of [
      "Microsoft.Communication/CommunicationServices/ListKeys/action",
      "Microsoft.Communication/CommunicationServices/RegenerateKey/action",
    ]) {
      expect(grantsOperation(owner, keyAction), `the built-in role can ${keyAction}`).toBe(true);
      expect(
        actions.some((a) => covers(a, keyAction)),
        `the custom role cannot ${keyAction}`,
      ).toBe(false);
    }
  });

  it("is the default; the built-in role is the fallback, and both principals get the same one", () => {
    expect(main.params.get("emailSenderRole")?.defaultValue).toBe("Custom");
    expect(main.modules.find((m) => m.symbol === "emailSenderRoleDefinition")?.condition).toBe(
      "emailSenderRole == 'Custom'",
    );
    expect(sourceOf(main.vars.get("emailSenderRoleId"))).toMatch(
      /^emailSenderRole == 'Custom'\s*\? emailSenderRoleDefinition!\.outputs\.roleDefinitionId\s*: communicationAndEmailServiceOwner$/,
    );
    for (const symbol of ["appRoles", "principalRoles"])
      expect(sourceOf(moduleParams(main, symbol)["emailSenderRoleId"])).toBe("emailSenderRoleId");
  });

  it("needs a deploying principal that may create role definitions: Owner or User Access Administrator, not Role Based Access Control Administrator", () => {
    const write = "Microsoft.Authorization/roleDefinitions/write";
    expect(grantsOperation(roleFixture.roles[builtIn("Owner")]!, write)).toBe(true);
    expect(grantsOperation(roleFixture.roles[builtIn("User Access Administrator")]!, write)).toBe(true);
    expect(
      grantsOperation(roleFixture.roles[builtIn("Role Based Access Control Administrator")]!, write),
    ).toBe(false);
    expect(grantsOperation(roleFixture.roles[builtIn("Contributor")]!, write)).toBe(false);
    const deploy = readFileSync(join(projectRoot, "docs", "deploy.md"), "utf8").replace(/\s+/g, " ");
    expect(deploy).toMatch(/Owner, or Contributor plus User Access Administrator/);
  });
});

describe("Role assignment names are stable and unique per principal", () => {
  const all = bicepFiles().flatMap((file) =>
    parseTemplate(file)
      .resources.filter((r) => r.type === "Microsoft.Authorization/roleAssignments" && !r.existing)
      .map((r) => ({ file, template: parseTemplate(file), r })),
  );

  it.each(all.map((a) => [`${a.file} ${a.r.symbol}`, a] as const))(
    "%s: the name is a guid of the scope, the principal id and the role, all known when the deployment starts",
    (_name, { template, r }) => {
      const properties = asObject(r.body["properties"], `${r.symbol} properties`);
      const principal = sourceOf(properties["principalId"]);
      // A principal id read from a resource (`topic.identity.principalId`) is not known until it is deployed;
      // Bicep rejects it in a name (BCP120). It must come in as a parameter of the module that assigns.
      expect(
        template.params.has(principal),
        `${r.symbol}.properties.principalId ${principal} is a parameter`,
      ).toBe(true);
      const name = sourceOf(r.body["name"]);
      expect(name, `${r.symbol} name`).toMatch(/^guid\(/);
      expect(name, `${r.symbol} name holds the principal id`).toContain(principal);
    },
  );
});

describe("ACS email delivery reports reach the delivery-reports queue, or a dead-letter container", () => {
  const topic = resource(events, "Microsoft.EventGrid/systemTopics");
  const subscription = resource(events, "Microsoft.EventGrid/systemTopics/eventSubscriptions");
  const queue = resource(events, "Microsoft.ServiceBus/namespaces/queues", true);
  const access = events.modules.find((m) => m.symbol === "topicAccess");
  const accessParams = moduleParams(events, "topicAccess");

  it("targets the queue the code names queues.deliveryReports", () => {
    expect(main.vars.get("deliveryReportsQueueName")).toBe(queues.deliveryReports.name);
    expect(sourceOf(moduleParams(main, "events")["deliveryReportsQueueName"])).toBe(
      "deliveryReportsQueueName",
    );
    expect(sourceOf(queue.body["name"])).toBe("deliveryReportsQueueName");
    expect(sourceOf(accessParams["deliveryReportsQueueName"])).toBe("deliveryReportsQueueName");
  });

  it("subscribes a system topic on ACS to EmailDeliveryReportReceived, delivered to that queue with the topic's identity", () => {
    expect(asObject(topic.body["properties"], "topic properties")["topicType"]).toBe(
      "Microsoft.Communication.CommunicationServices",
    );
    const properties = asObject(subscription.body["properties"], "subscription properties");
    expect(plain(asObject(properties["filter"], "filter")["includedEventTypes"])).toEqual([
      "Microsoft.Communication.EmailDeliveryReportReceived",
    ]);
    const delivery = asObject(properties["deliveryWithResourceIdentity"], "deliveryWithResourceIdentity");
    expect(plain(delivery["destination"])).toEqual({
      endpointType: "ServiceBusQueue",
      properties: { resourceId: `<${queue.symbol}.id>` },
    });
  });

  it("dead-letters what it cannot deliver to a blob container of the storage account, with the topic's identity", () => {
    const properties = asObject(subscription.body["properties"], "subscription properties");
    const deadLetter = asObject(
      properties["deadLetterWithResourceIdentity"],
      "deadLetterWithResourceIdentity",
    );
    expect(plain(deadLetter["identity"])).toEqual({ type: "SystemAssigned" });
    expect(plain(deadLetter["deadLetterDestination"])).toEqual({
      endpointType: "StorageBlob",
      properties: { resourceId: "<storage.id>", blobContainerName: "<deadLetterContainerName>" },
    });
    const retry = asObject(properties["retryPolicy"], "retryPolicy");
    expect(retry["maxDeliveryAttempts"]).toBe(30);
    // main.bicep creates the container in the storage account it passes.
    const events_ = moduleParams(main, "events");
    expect(sourceOf(events_["storageAccountName"])).toBe("storage.outputs.name");
    expect(sourceOf(events_["deadLetterContainerName"])).toBe("deadLetterContainerName");
    const containers = asArray(
      asObject(moduleParams(main, "storage")["blobServices"], "blobServices")["containers"],
      "containers",
    ).map((c) => sourceOf(asObject(c, "container")["name"]));
    expect(containers).toContain("deadLetterContainerName");
  });

  it("lets the topic send to that queue and write to that container only, before the subscription is created", () => {
    expect(access?.path).toBe("event-grid-access.bicep");
    expect(sourceOf(accessParams["principalId"])).toBe(`${topic.symbol}.identity.principalId`);
    expect(plain(subscription.body["dependsOn"])).toEqual(["<topicAccess>"]);
    const assignments = eventGridAccess.resources.filter(
      (r) => r.type === "Microsoft.Authorization/roleAssignments",
    );
    const byScope = Object.fromEntries(
      assignments.map((r) => {
        const scope = eventGridAccess.resources.find((s) => s.symbol === sourceOf(r.body["scope"]));
        const roleKey = /roles\.(\w+)/.exec(
          sourceOf(asObject(r.body["properties"], "p")["roleDefinitionId"]),
        )?.[1];
        return [scope?.type ?? "?", roleNames["infra/app/event-grid-access.bicep"]![roleKey ?? ""]];
      }),
    );
    expect(byScope).toEqual({
      "Microsoft.ServiceBus/namespaces/queues": "Azure Service Bus Data Sender",
      "Microsoft.Storage/storageAccounts/blobServices/containers": "Storage Blob Data Contributor",
    });
  });
});
