/**
 * The alerts and diagnostic settings (infra/app/monitoring.bicep) against what the app emits and what
 * docs/operations.md explains; tests/infra/types.test.ts checks their properties against Azure's types.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ForExpr, moduleParams, parseTemplate, projectRoot, sourceOf, type BicepValue } from "./bicep";

const template = parseTemplate("infra/app/monitoring.bicep");
const main = parseTemplate("infra/main.bicep");
const read = (...path: string[]) => readFileSync(join(projectRoot, ...path), "utf8");
const telemetrySource = readdirSync(join(projectRoot, "shared", "telemetry"))
  .map((file) => read("shared", "telemetry", file))
  .join("\n");
const operations = read("docs", "operations.md");

const resource = (symbol: string) => {
  const found = template.resources.find((r) => r.symbol === symbol);
  if (!found) throw new Error(`monitoring.bicep has no resource ${symbol}`);
  return found;
};
const text = (value: BicepValue | undefined) => sourceOf(value);

/** The log alerts as declared in the `logAlerts` variable. */
function logAlerts(): Array<Record<string, BicepValue>> {
  const value = template.vars.get("logAlerts");
  if (!Array.isArray(value)) throw new Error("logAlerts is not an array literal");
  return value.filter(
    (v): v is Record<string, BicepValue> => typeof v === "object" && v !== null && !Array.isArray(v),
  );
}

describe("diagnostic settings", () => {
  it.each([
    ["serviceBusDiagnostics", "serviceBus"],
    ["cosmosDiagnostics", "cosmosAccount"],
    ["keyVaultDiagnostics", "keyVault"],
  ])("%s sends logs and metrics of %s to the Log Analytics workspace", (symbol, target) => {
    const settings = resource(symbol);
    expect(settings.type).toBe("Microsoft.Insights/diagnosticSettings");
    expect(text(settings.body["scope"])).toBe(target);
    const properties = settings.body["properties"] as Record<string, BicepValue>;
    expect(text(properties["workspaceId"])).toBe("workspaceResourceId");
    expect(text(properties["logs"])).toMatch(/"enabled":true/);
    expect(text(properties["metrics"])).toMatch(/"enabled":true/);
  });
});

describe("alert rules", () => {
  it("fire on any dead-lettered message in any queue", () => {
    const alert = resource("deadLetterAlert");
    const criteria = text((alert.body["properties"] as Record<string, BicepValue>)["criteria"]);
    expect(criteria).toContain('"metricName":"DeadletteredMessages"');
    expect(criteria).toContain('"operator":"GreaterThan","threshold":0');
  });

  it("cover Failed_TTL, provider 429/5xx, API 5xx and the sweeper backlog", () => {
    const names = logAlerts().map((a) => a["name"]);
    expect(names).toEqual([
      "varsel-failed-ttl-rate",
      "varsel-provider-throttling-and-errors",
      "varsel-api-5xx",
      "varsel-sweeper-backlog",
    ]);
    const rules = resource("logAlertRules");
    expect(rules.type).toBe("Microsoft.Insights/scheduledQueryRules");
    expect(rules.loop?.collection).toBe("logAlerts");
  });

  it("query only metrics and attributes the app emits (shared/telemetry)", () => {
    let checked = 0;
    for (const alert of logAlerts()) {
      const query = text(alert["query"]);
      for (const [, metric] of query.matchAll(/name == \\?"(varsel\.[a-z_.]+)\\?"/g)) {
        expect(telemetrySource, `${String(alert["name"])}: metric ${metric}`).toContain(`"${metric}"`);
        checked += 1;
      }
      for (const [, key] of query.matchAll(/customDimensions\[\\?"([a-z_.]+)\\?"\]/g)) {
        expect(telemetrySource, `${String(alert["name"])}: attribute ${key}`).toContain(`"${key}"`);
        checked += 1;
      }
    }
    expect(checked).toBe(9);
  });

  it("count sampled requests by itemCount, so a lowered sampling share does not hide a 5xx", () => {
    const api = logAlerts().find((a) => a["name"] === "varsel-api-5xx");
    const query = text(api?.["query"]);
    expect(query).toMatch(/^"requests \|/);
    expect(query).toContain("sum(itemCount)");
    expect(query).not.toContain("count()");
  });

  it("send to the action group the deployment names, and each is explained in docs/operations.md", () => {
    const dead = resource("deadLetterAlert").body["properties"] as Record<string, BicepValue>;
    expect(text(dead["actions"])).toBe("actions");
    const actions = template.vars.get("actions");
    expect(actions).toBeInstanceOf(ForExpr);
    expect((actions as ForExpr).loop.collection).toBe("actionGroupIds");
    expect(text(template.vars.get("actionGroupIds"))).toContain("alertActionGroupId");
    const descriptions = [
      text((resource("deadLetterAlert").body["properties"] as Record<string, BicepValue>)["description"]),
      ...logAlerts().map((a) => text(a["description"])),
    ];
    for (const description of descriptions) {
      const anchor = /docs\/operations\.md#([a-z0-9_-]+)/.exec(description)?.[1];
      expect(anchor, description).toBeDefined();
      const headings = [...operations.matchAll(/^#{2,3} (.+)$/gm)].map(([, h]) =>
        h!
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, "")
          .replace(/ /g, "-"),
      );
      expect(headings, description).toContain(anchor);
    }
  });

  it("are deployed by main.bicep with the action group and e-mail from the azd environment", () => {
    const params = moduleParams(main, "monitoring");
    expect(text(params["alertActionGroupId"])).toBe("alertActionGroupId");
    expect(text(params["alertEmailAddress"])).toBe("alertEmailAddress");
    const parameters = JSON.parse(read("infra", "main.parameters.json")) as {
      parameters: Record<string, { value: string }>;
    };
    expect(parameters.parameters["alertActionGroupId"]?.value).toBe("${VARSEL_ALERT_ACTION_GROUP_ID}");
    expect(parameters.parameters["alertEmailAddress"]?.value).toBe("${VARSEL_ALERT_EMAIL}");
  });
});
