import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ts from "typescript";

// Reads every import and export in the tree syntactically (no type check, so it stays fast) and answers which
// exports of production code no other file imports. Tests count as importers; re-exports pass a use on to the
// module they re-export from.

const root = join(__dirname, "..", "..");

/** Files whose exports are entry points: the host loads functions/*.ts, `npm run` starts the local tools. */
const entryFiles = [
  "shared/local/start.ts",
  "shared/local/token.ts",
  "shared/local/registryImport.ts",
  "shared/local/blobUpload.ts",
];

type Use = { file: string; name: string };

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .map((file) => join(dir, file).split(sep).join("/"))
    .filter((file) => keep(file) && !file.includes("node_modules/"));
}

const isSource = (file: string) => file.endsWith(".ts") && !file.endsWith(".d.ts");

const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  resolveJsonModule: true,
};

function resolve(specifier: string, fromFile: string): string | undefined {
  const resolved = ts.resolveModuleName(
    specifier,
    join(root, fromFile),
    compilerOptions,
    ts.sys,
  ).resolvedModule;
  if (!resolved || resolved.isExternalLibraryImport) return undefined;
  return relative(root, resolved.resolvedFileName).split(sep).join("/");
}

function hasExportModifier(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

function hasDefaultModifier(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
  );
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) =>
    ts.isOmittedExpression(element) ? [] : boundNames(element.name),
  );
}

type ModuleFacts = {
  /** Names this file exports, its own declarations and its named re-exports alike. */
  exports: string[];
  /** `export { a as b } from "./m"`: a use of b here is a use of a in m. */
  reexports: { name: string; file: string; original: string }[];
  /** `export * from "./m"`. */
  starReexports: string[];
  uses: Use[];
};

function readModule(file: string): ModuleFacts {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(root, file), "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const facts: ModuleFacts = { exports: [], reexports: [], starReexports: [], uses: [] };
  const useAll = (target: string | undefined) => target && facts.uses.push({ file: target, name: "*" });

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const target = resolve(statement.moduleSpecifier.text, file);
      const clause = statement.importClause;
      if (!target) continue;
      if (!clause) continue; // a side-effect import uses no export
      if (clause.name) facts.uses.push({ file: target, name: "default" });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) useAll(target);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          facts.uses.push({ file: target, name: (element.propertyName ?? element.name).text });
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      const target =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? resolve(statement.moduleSpecifier.text, file)
          : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (target) facts.starReexports.push(target);
      } else if (ts.isNamespaceExport(clause)) {
        facts.exports.push(clause.name.text);
        useAll(target);
      } else {
        for (const element of clause.elements) {
          facts.exports.push(element.name.text);
          const original = (element.propertyName ?? element.name).text;
          if (target) facts.reexports.push({ name: element.name.text, file: target, original });
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      facts.exports.push("default");
    } else if (hasExportModifier(statement)) {
      if (hasDefaultModifier(statement)) facts.exports.push("default");
      else if (ts.isVariableStatement(statement)) {
        facts.exports.push(...statement.declarationList.declarations.flatMap((d) => boundNames(d.name)));
      } else if (
        (ts.isFunctionDeclaration(statement) ||
          ts.isClassDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement) ||
          ts.isModuleDeclaration(statement)) &&
        statement.name
      ) {
        facts.exports.push(statement.name.text);
      }
    }
  }

  // import("./m") and `typeof import("./m")` anywhere in the file.
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      useAll(resolve(node.arguments[0].text, file));
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      const target = resolve(node.argument.literal.text, file);
      if (target) {
        const qualifier = node.qualifier;
        const first = qualifier && (ts.isIdentifier(qualifier) ? qualifier : qualifier.left);
        facts.uses.push({ file: target, name: first && ts.isIdentifier(first) ? first.text : "*" });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return facts;
}

/**
 * The bench scripts are CommonJS run against dist/: `requireCompiled("shared", "local", "x.js")` uses the names
 * it destructures or reads off the result, or, when neither can be told, every export of shared/local/x.ts.
 */
function benchUses(): Use[] {
  const uses: Use[] = [];
  for (const file of filesUnder("bench", (f) => f.endsWith(".js"))) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(root, file), "utf8"),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const parts = node.arguments.filter(ts.isStringLiteral).map((a) => a.text);
        const fromDist =
          ts.isIdentifier(node.expression) && node.expression.text === "requireCompiled"
            ? parts
            : parts.includes("dist")
              ? parts.slice(parts.indexOf("dist") + 1)
              : undefined;
        if (fromDist && fromDist.length > 0 && fromDist.at(-1)?.endsWith(".js")) {
          const target = fromDist.join("/").replace(/\.js$/, ".ts");
          const parent = node.parent;
          if (ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)) {
            for (const element of parent.name.elements) {
              const name = element.propertyName ?? element.name;
              uses.push({ file: target, name: ts.isIdentifier(name) ? name.text : "*" });
            }
          } else if (ts.isPropertyAccessExpression(parent)) {
            uses.push({ file: target, name: parent.name.text });
          } else {
            uses.push({ file: target, name: "*" });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

/** Production exports (`file: name`) that no other file imports, directly or through a re-export. */
export function unusedExports(): string[] {
  const production = [...filesUnder("shared", isSource), ...filesUnder("functions", isSource)];
  const importers = [...production, ...filesUnder("tests", isSource), ...filesUnder("bench", isSource)];
  const modules = new Map(importers.map((file) => [file, readModule(file)]));

  const used = new Set<string>();
  const pending: Use[] = [...importers.flatMap((file) => modules.get(file)?.uses ?? []), ...benchUses()];
  for (const file of [...filesUnder("functions", isSource), ...entryFiles]) pending.push({ file, name: "*" });

  // A use of a re-exported name travels on to the module it came from.
  for (let use = pending.pop(); use !== undefined; use = pending.pop()) {
    const key = `${use.file}#${use.name}`;
    if (used.has(key)) continue;
    used.add(key);
    const facts = modules.get(use.file);
    if (!facts) continue;
    for (const reexport of facts.reexports) {
      if (use.name === "*" || use.name === reexport.name) {
        pending.push({ file: reexport.file, name: reexport.original });
      }
    }
    if (use.name === "*" || !facts.exports.includes(use.name)) {
      for (const file of facts.starReexports) pending.push({ file, name: use.name });
    }
  }

  return production.flatMap((file) => {
    const facts = modules.get(file);
    if (!facts || used.has(`${file}#*`)) return [];
    return facts.exports.filter((name) => !used.has(`${file}#${name}`)).map((name) => `${file}: ${name}`);
  });
}
