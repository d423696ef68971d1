/**
 * The templates against Azure's own definitions (no Bicep compiler runs here): every resource type and API
 * version, every property set or read, against the generated Bicep types (fixtures/azure-types.json, from
 * Azure/bicep-types-az); every AVM module version, parameter and output against the module's compiled
 * main.json at its release tag (fixtures/avm-modules.json, from Azure/bicep-registry-modules).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  bicepFiles,
  Expr,
  moduleParams,
  parseTemplate,
  projectRoot,
  sourceOf,
  type BicepValue,
  type ModuleDeclaration,
  type ResourceDeclaration,
  type Template,
} from "./bicep";
import { checkValue, propertyAt, schemaAt, type Property, type Schema } from "./schema";
import { bicepOnlyKeys, moduleOutputReads, resourceReads } from "./usage";

interface TypesFixture {
  source: { repository: string; commit: string };
  types: Record<string, { path: string; body: Schema }>;
}
interface ModulesFixture {
  source: { repository: string };
  modules: Record<
    string,
    {
      tag: string;
      commit: string;
      path: string;
      parameters: Record<string, Property>;
      outputs: Record<string, { type: string }>;
    }
  >;
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(projectRoot, "tests", "infra", "fixtures", name), "utf8")) as T;

/** The checks, as functions of a template, so that tests can run them on mutated templates too. */
export function resourceTypeProblems(
  template: Template,
  types: TypesFixture = fixture("azure-types.json"),
): string[] {
  const problems: string[] = [];
  const resolve = (text: string): BicepValue | undefined =>
    /^\w+$/.test(text) ? template.vars.get(text) : undefined;
  for (const resource of template.resources) {
    const key = `${resource.type}@${resource.apiVersion}`;
    const at = `${template.file} ${resource.symbol} (${key})`;
    const type = types.types[key];
    if (!type) {
      problems.push(`${at}: ${key} is not in fixtures/azure-types.json (${types.source.repository})`);
      continue;
    }
    const body = resource.existing
      ? { name: resource.body["name"] ?? null }
      : Object.fromEntries(Object.entries(resource.body).filter(([k]) => !bicepOnlyKeys.includes(k)));
    problems.push(...checkValue(body, type.body, at, { resolve, skipRequired: resource.existing }));
    for (const read of resourceReads(template, resource.symbol)) {
      const found = schemaAt(type.body, read);
      if (typeof found === "string")
        problems.push(`${at}: reads ${resource.symbol}.${read.join(".")}: ${found}`);
    }
  }
  return problems;
}

const avmReference = /^br\/public:(avm\/[a-z0-9/-]+):(\d+\.\d+\.\d+)$/;

export function moduleParameterProblems(
  template: Template,
  modules: ModulesFixture = fixture("avm-modules.json"),
): string[] {
  const problems: string[] = [];
  const resolve = (text: string): BicepValue | undefined =>
    /^\w+$/.test(text) ? template.vars.get(text) : undefined;
  for (const module of template.modules.filter((m: ModuleDeclaration) => m.path.startsWith("br/"))) {
    const match = avmReference.exec(module.path);
    const at = `${template.file} module ${module.symbol}`;
    if (!match) {
      problems.push(`${at}: ${module.path} is not a pinned br/public AVM reference`);
      continue;
    }
    const key = `${match[1]}:${match[2]}`;
    const definition = modules.modules[key];
    if (!definition) {
      problems.push(
        `${at}: ${key} is not in fixtures/avm-modules.json: no such release tag in ${modules.source.repository}, or the fixture was not regenerated`,
      );
      continue;
    }
    const params = moduleParams(template, module.symbol);
    for (const [name, value] of Object.entries(params)) {
      const parameter = definition.parameters[name];
      if (!parameter) {
        problems.push(
          `${at}: ${name} is not a parameter of ${key} (${definition.path} at ${definition.tag})`,
        );
        continue;
      }
      problems.push(...checkValue(value, parameter.schema, `${at} params.${name}`, { resolve }));
    }
    for (const [name, parameter] of Object.entries(definition.parameters))
      if (parameter.required && !(name in params)) problems.push(`${at}: ${key} requires parameter ${name}`);
    for (const output of moduleOutputReads(template, module.symbol))
      if (!definition.outputs[output]) problems.push(`${at}: ${key} has no output ${output}`);
  }
  return problems;
}

const types = fixture<TypesFixture>("azure-types.json");
const modules = fixture<ModulesFixture>("avm-modules.json");
const templates = bicepFiles().map((file) => parseTemplate(file));
const resources: [string, ResourceDeclaration, Template][] = templates.flatMap((t) =>
  t.resources.map((r): [string, ResourceDeclaration, Template] => [`${t.file} ${r.symbol}`, r, t]),
);
const avmModules: [string, ModuleDeclaration, Template][] = templates.flatMap((t) =>
  t.modules
    .filter((m) => m.path.startsWith("br/"))
    .map((m): [string, ModuleDeclaration, Template] => [`${t.file} ${m.symbol}`, m, t]),
);
const only = (
  template: Template,
  pick: { resources?: ResourceDeclaration[]; modules?: ModuleDeclaration[] },
) => ({
  ...template,
  resources: pick.resources ?? [],
  modules: pick.modules ?? [],
});

describe("Resource types, API versions and properties, against Azure's published types (fixtures/azure-types.json)", () => {
  it("records its source: Azure/bicep-types-az at a commit, a types.json per type", () => {
    expect(types.source).toMatchObject({
      repository: "Azure/bicep-types-az",
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    for (const [key, type] of Object.entries(types.types))
      expect(type.path, key).toMatch(
        /^generated\/[\w-]+\/microsoft\.\w+\/\d{4}-\d{2}-\d{2}(-preview)?\/types\.json$/,
      );
  });

  it.each(resources)(
    "%s: its type and API version exist and every property it sets or reads is defined",
    (_name, resource, template) => {
      const problems = resourceTypeProblems(only(template, { resources: [resource] }), types);
      expect(problems, problems.join("\n")).toEqual([]);
    },
  );

  it("catches a property the type does not have, a read-only one, a value outside a closed set, and an API version that does not exist", () => {
    const cosmos = parseTemplate("infra/app/cosmos.bicep");
    const account = cosmos.resources.find((r) => r.type === "Microsoft.DocumentDB/databaseAccounts")!;
    const properties = account.body["properties"] as Record<string, BicepValue>;
    const mutated = (body: Record<string, BicepValue>, apiVersion = account.apiVersion) =>
      resourceTypeProblems(only(cosmos, { resources: [{ ...account, apiVersion, body }] }), types);
    expect(
      mutated({ ...account.body, properties: { ...properties, enableFreeTeir: true } }).join("\n"),
    ).toMatch(/properties\.enableFreeTeir is not a property of this type/);
    expect(
      mutated({ ...account.body, properties: { ...properties, documentEndpoint: "x" } }).join("\n"),
    ).toMatch(/properties\.documentEndpoint is read-only/);
    expect(
      mutated({
        ...account.body,
        properties: { ...properties, consistencyPolicy: { defaultConsistencyLevel: "Sesion" } },
      }).join("\n"),
    ).toMatch(/defaultConsistencyLevel: "Sesion" is not one of/);
    expect(mutated(account.body, "2024-11-16").join("\n")).toMatch(/2024-11-16 is not in fixtures/);
    const { databaseAccountOfferType: _offer, ...withoutRequired } = properties;
    expect(mutated({ ...account.body, properties: withoutRequired }).join("\n")).toMatch(
      /properties\.databaseAccountOfferType is required/,
    );
  });
});

describe("AVM module versions, parameters and outputs, against the modules' sources (fixtures/avm-modules.json)", () => {
  it("records each module's release tag, commit and compiled main.json", () => {
    expect(modules.source.repository).toBe("Azure/bicep-registry-modules");
    for (const [key, module] of Object.entries(modules.modules)) {
      expect(module.tag, key).toBe(key.replace(":", "/"));
      expect(module.commit, key).toMatch(/^[0-9a-f]{40}$/);
      expect(module.path, key).toBe(`${key.split(":")[0]}/main.json`);
    }
  });

  it.each(avmModules)(
    "%s: the version exists and every parameter passed and output read is the module's",
    (_name, module, template) => {
      const problems = moduleParameterProblems(only(template, { modules: [module] }), modules);
      expect(problems, problems.join("\n")).toEqual([]);
    },
  );

  it("catches a version that was never released, a misspelled parameter, a wrong allowed value and a missing output", () => {
    const main = parseTemplate("infra/main.bicep");
    const storage = main.modules.find((m) => m.symbol === "storage")!;
    const params = storage.body["params"] as Record<string, BicepValue>;
    const mutated = (change: Partial<ModuleDeclaration>) =>
      moduleParameterProblems(only(main, { modules: [{ ...storage, ...change }] }), modules).join("\n");
    expect(mutated({ path: storage.path.replace(/:[\d.]+$/, ":0.99.0") })).toMatch(
      /0\.99\.0 is not in fixtures/,
    );
    const { allowSharedKeyAccess, ...rest } = params;
    expect(
      mutated({
        body: { ...storage.body, params: { ...rest, allowSharedKeyAcess: allowSharedKeyAccess ?? false } },
      }),
    ).toMatch(/allowSharedKeyAcess is not a parameter/);
    expect(mutated({ body: { ...storage.body, params: { ...params, skuName: "Standard_XYZ" } } })).toMatch(
      /"Standard_XYZ" is not one of/,
    );
    const withOutput = { ...main, file: main.file, modules: [storage] };
    expect(moduleOutputReads(withOutput, "storage")).toContain("serviceEndpoints");
    expect(
      moduleParameterProblems(withOutput, {
        ...modules,
        modules: {
          ...modules.modules,
          [storage.path.replace("br/public:", "")]: {
            ...modules.modules[storage.path.replace("br/public:", "")]!,
            outputs: {},
          },
        },
      }).join("\n"),
    ).toMatch(/has no output serviceEndpoints/);
  });
});

describe("The email sender address uses the domain recipients see", () => {
  it("creates an extra sender username only on a verified custom domain, and only when one is asked for", () => {
    const communication = parseTemplate("infra/app/communication.bicep");
    const sender = communication.resources.find(
      (r) => r.type === "Microsoft.Communication/emailServices/domains/senderUsernames",
    );
    expect(sender?.condition).toBe("useCustomSender");
    expect(sourceOf(communication.vars.get("useCustomSender"))).toBe(
      "useCustomDomain && !empty(customDomainSenderUsername)",
    );
    expect(sourceOf(communication.vars.get("useCustomDomain"))).toBe(
      "!empty(customDomainName) && customDomainVerified",
    );
    expect(communication.params.get("customDomainSenderUsername")?.defaultValue).toBe("");
  });

  it("builds EMAIL_SENDER_ADDRESS from fromSenderDomain (the RFC 5322 From domain), not the envelope domain", () => {
    const communication = parseTemplate("infra/app/communication.bicep");
    const domains = types.types["Microsoft.Communication/emailServices/domains@2025-05-01"]!.body;
    expect(propertyAt(domains, ["properties", "fromSenderDomain"])?.description).toMatch(/RFC 5322/);
    const reads = [
      ...resourceReads(communication, "customDomain"),
      ...resourceReads(communication, "managedDomain"),
    ]
      .map((r) => r.join("."))
      .filter((r) => r.endsWith("SenderDomain"));
    expect(reads.sort()).toEqual(["properties.fromSenderDomain", "properties.fromSenderDomain"]);
    const sender = communication.outputs.get("senderAddress");
    expect(sender instanceof Expr ? sender.text : "").toContain("senderDomain");
  });
});
