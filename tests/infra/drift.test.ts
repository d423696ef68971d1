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

  it("is a Standard namespace with local (SAS) auth disabled", () => {
    const params = moduleParams(serviceBus, "namespace");
    expect(plain(params["skuObject"])).toEqual({ name: "Standard" });
    expect(params["disableLocalAuth"]).toBe(true);
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
    compositeIndexes: c.compositeIndexes,
    uniqueKeys: c.uniqueKeys,
    defaultTtl: c.defaultTtl ?? null,
  }));

  it("declares every container with the same partition key path, composite indexes, unique keys and default TTL, and no other", () => {
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

  it("reads the LINK credentials from Key Vault references", () => {
    const secretNames = asObject(keyVault.vars.get("secretNames"), "key-vault.bicep var secretNames");
    for (const key of ["LINK_USERNAME", "LINK_PASSWORD", "LINK_REPORT_USERNAME", "LINK_REPORT_PASSWORD"]) {
      expect(sourceOf(appSettings[key])).toBe(`'@Microsoft.KeyVault(SecretUri=\${linkSecretUris.${key}})'`);
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
});

// Built-in role ids, checked against Microsoft's "Azure built-in roles" list and the AVM modules' builtInRoleNames.
const roleIds = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  serviceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
  serviceBusDataReceiver: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  communicationAndEmailServiceOwner: "09976791-48a7-449e-bb21-39d1a415f350",
};
const cosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";
// Broader than anything the app needs: never assigned.
const overPrivileged = [
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
  "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
  "090c5cfd-751d-490a-894a-3ce6f1109419", // Azure Service Bus Data Owner
  "00482a5a-887f-4fb3-b363-3b7fe8e74483", // Key Vault Administrator
];

interface Grant {
  role: string;
  scopeType: string;
  loop?: string;
}

/** Evaluates the small expressions rbac.bicep uses for role ids: literals, `roles.x`, vars and `flag ? a : b`. */
function evaluate(expression: string, bindings: Record<string, BicepValue>): BicepValue {
  const e = expression.trim();
  const ternary = /^(\w+) \? (.+) : (.+)$/.exec(e);
  if (ternary) {
    return evaluate(evaluate(ternary[1]!, bindings) === true ? ternary[2]! : ternary[3]!, bindings);
  }
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

describe("Role assignments: everything the code needs, nothing broader", () => {
  const appGrants = grants({ manageSecrets: false });
  const operatorGrants = grants({ manageSecrets: true });
  const appSettings = asObject(functionApp.vars.get("appSettings"), "appSettings");

  // Each identity-based connection in the app settings, and the role it needs.
  const needs: { setting: string; role: string; scopeType: string; loop?: string }[] = [
    {
      setting: "AzureWebJobsStorage__credential",
      role: roleIds.storageBlobDataOwner,
      scopeType: "Microsoft.Storage/storageAccounts",
    },
    {
      setting: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      role: roleIds.monitoringMetricsPublisher,
      scopeType: "Microsoft.Insights/components",
    },
    {
      setting: "ServiceBusConnection__fullyQualifiedNamespace",
      role: roleIds.serviceBusDataSender,
      scopeType: "Microsoft.ServiceBus/namespaces/queues",
      loop: "queueNames",
    },
    {
      setting: "ServiceBusConnection__fullyQualifiedNamespace",
      role: roleIds.serviceBusDataReceiver,
      scopeType: "Microsoft.ServiceBus/namespaces/queues",
      loop: "queueNames",
    },
    {
      setting: "ACS_EMAIL_ENDPOINT",
      role: roleIds.communicationAndEmailServiceOwner,
      scopeType: "Microsoft.Communication/communicationServices",
    },
    { setting: "LINK_PASSWORD", role: roleIds.keyVaultSecretsUser, scopeType: "Microsoft.KeyVault/vaults" },
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
    expect(rbac.vars.get("cosmosDataContributor")).toBe(cosmosBuiltInDataContributor);
    expect(sourceOf(properties["scope"])).toBe("cosmos.id");
  });

  it("uses the verified built-in role ids", () => {
    expect(plain(rbac.vars.get("roles"))).toEqual(roleIds);
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
    for (const grant of [...appGrants, ...operatorGrants]) expect(overPrivileged).not.toContain(grant.role);
    expect(appGrants).toHaveLength(needs.length);
  });

  it("grants the app identity unconditionally and the deploying user only when asked", () => {
    const app = main.modules.find((m) => m.symbol === "appRoles");
    expect(app?.path).toBe("app/rbac.bicep");
    expect(app?.condition).toBeUndefined();
    const appParams = moduleParams(main, "appRoles");
    expect(sourceOf(appParams["principalId"])).toBe("identity.outputs.principalId");
    expect(appParams["principalType"]).toBe("ServicePrincipal");
    expect(appParams["manageSecrets"]).toBe(false);
    expect(sourceOf(appParams["queueNames"])).toBe("serviceBus.outputs.queueNames");

    const user = main.modules.find((m) => m.symbol === "principalRoles");
    expect(user?.path).toBe("app/rbac.bicep");
    expect(user?.condition).toContain("!empty(principalId)");
    const userParams = moduleParams(main, "principalRoles");
    expect(sourceOf(userParams["principalId"])).toBe("principalId");
    expect(userParams["manageSecrets"]).toBe(true);
    expect(sourceOf(userParams["queueNames"])).toBe("serviceBus.outputs.queueNames");
  });
});

describe("ACS email delivery reports reach the delivery-reports queue", () => {
  const topic = resource(events, "Microsoft.EventGrid/systemTopics");
  const subscription = resource(events, "Microsoft.EventGrid/systemTopics/eventSubscriptions");
  const queue = resource(events, "Microsoft.ServiceBus/namespaces/queues", true);
  const sender = resource(events, "Microsoft.Authorization/roleAssignments");

  it("targets the queue the code names queues.deliveryReports", () => {
    expect(main.vars.get("deliveryReportsQueueName")).toBe(queues.deliveryReports.name);
    expect(sourceOf(moduleParams(main, "events")["deliveryReportsQueueName"])).toBe(
      "deliveryReportsQueueName",
    );
    expect(sourceOf(queue.body["name"])).toBe("deliveryReportsQueueName");
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

  it("lets the topic send to that queue only, before the subscription is created", () => {
    expect(sourceOf(sender.body["scope"])).toBe(queue.symbol);
    const properties = asObject(sender.body["properties"], "role assignment properties");
    expect(sourceOf(properties["roleDefinitionId"])).toContain("serviceBusDataSender");
    expect(events.vars.get("serviceBusDataSender")).toBe(roleIds.serviceBusDataSender);
    expect(sourceOf(properties["principalId"])).toBe(`${topic.symbol}.identity.principalId`);
    expect(plain(subscription.body["dependsOn"])).toEqual([`<${sender.symbol}>`]);
  });
});
