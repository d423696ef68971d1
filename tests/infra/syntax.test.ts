import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  bicepFiles,
  moduleProblems,
  parseSource,
  parseTemplate,
  projectRoot,
  referenceProblems,
  syntaxProblems,
} from "./bicep";

const files = bicepFiles();

describe("Bicep syntax (tree-sitter-bicep; no Bicep compiler runs here)", () => {
  it("finds the templates", () => {
    expect(files).toContain("infra/main.bicep");
    expect(files.length).toBeGreaterThan(1);
  });

  it("reports the location of a syntax error, so a clean result means something", () => {
    const broken = "param a string\nresource x 'Microsoft.Web/sites@2024-04-01' = {\n  name: 'x'\n";
    const problems = syntaxProblems(parseSource(broken), "broken.bicep");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^broken\.bicep:\d+:\d+: /);
  });

  it.each(files)("%s parses without ERROR or MISSING nodes", (file) => {
    const problems = syntaxProblems(parseSource(readFileSync(join(projectRoot, file), "utf8")), file);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it.each(files)("%s: every module is a local file or a pinned registry module", (file) => {
    for (const module of parseTemplate(file).modules) {
      if (module.path.startsWith("br/") || module.path.startsWith("br:")) {
        expect(module.path, `${file} module ${module.symbol}`).toMatch(
          /^br\/public:avm\/(res|ptn|utl)\/[a-z0-9/-]+:\d+\.\d+\.\d+$/,
        );
      } else {
        expect(
          existsSync(join(projectRoot, dirname(file), module.path)),
          `${file} module ${module.symbol} -> ${module.path}`,
        ).toBe(true);
      }
    }
  });

  it.each(files)("%s: every parameter has a @description", (file) => {
    const undocumented = [...parseTemplate(file).params.values()]
      .filter((p) => !p.decorators["description"])
      .map((p) => p.name);
    expect(undocumented, `${file}: parameters without @description`).toEqual([]);
  });

  it.each(files)(
    "%s: calls only Bicep functions, references only declared names, uses every parameter and variable",
    (file) => {
      const problems = referenceProblems(file);
      expect(problems, problems.join("\n")).toEqual([]);
    },
  );

  it.each(files)(
    "%s: passes local modules the parameters they declare and reads only outputs they have",
    (file) => {
      const problems = moduleProblems(file);
      expect(problems, problems.join("\n")).toEqual([]);
    },
  );
});
