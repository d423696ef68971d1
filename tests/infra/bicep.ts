/**
 * Reads the Bicep templates under infra/ with tree-sitter-bicep (no Bicep compiler runs here) and turns the
 * parts the drift tests need into plain values: declarations, object and array literals, and expressions
 * kept as source text.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import Parser from "tree-sitter";
import Bicep from "tree-sitter-bicep";

type SyntaxNode = Parser.SyntaxNode;

/** The repository root; VARSEL_PROJECT_ROOT overrides it for fixtures/generate.ts when compiled elsewhere. */
export const projectRoot = process.env["VARSEL_PROJECT_ROOT"] ?? join(__dirname, "..", "..");
export const infraDir = join(projectRoot, "infra");

const parser = new Parser();
// tree-sitter-bicep types its language handle as `unknown`; it is the handle setLanguage expects.
parser.setLanguage(Bicep as unknown as Parser.Language);

/** An expression that is not a literal, kept as its source text. */
export class Expr {
  constructor(readonly text: string) {}
}

export type BicepValue =
  string | number | boolean | null | Expr | BicepValue[] | { [key: string]: BicepValue };

export interface Loop {
  item: string;
  index?: string;
  collection: string;
}

/** A `[for item in collection: body]` expression, with its body as a value. */
export class ForExpr extends Expr {
  constructor(
    text: string,
    readonly loop: Loop,
    readonly body: BicepValue,
  ) {
    super(text);
  }
}

/** A `condition ? whenTrue : whenFalse` expression, with both branches as values. */
export class Conditional extends Expr {
  constructor(
    text: string,
    readonly condition: string,
    readonly whenTrue: BicepValue,
    readonly whenFalse: BicepValue,
  ) {
    super(text);
  }
}

interface Body {
  condition?: string;
  loop?: Loop;
  body: Record<string, BicepValue>;
}

export interface ResourceDeclaration extends Body {
  symbol: string;
  /** e.g. `Microsoft.Authorization/roleAssignments` (without the API version). */
  type: string;
  apiVersion: string;
  existing: boolean;
}

export interface ModuleDeclaration extends Body {
  symbol: string;
  /** Local path (`app/rbac.bicep`) or registry reference (`br/public:avm/res/...:1.2.3`). */
  path: string;
}

export interface ParamDeclaration {
  name: string;
  type: string;
  defaultValue?: BicepValue;
  decorators: Record<string, BicepValue[]>;
}

export interface Template {
  file: string;
  params: Map<string, ParamDeclaration>;
  vars: Map<string, BicepValue>;
  resources: ResourceDeclaration[];
  modules: ModuleDeclaration[];
  outputs: Map<string, BicepValue>;
}

export function parseSource(source: string): Parser.Tree {
  return parser.parse(source);
}

/** Every ERROR and MISSING node, as `file:line:column` with the text around it. */
export function syntaxProblems(tree: Parser.Tree, file: string): string[] {
  const problems: string[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      const what = node.isMissing ? `missing ${node.type}` : "syntax error";
      problems.push(
        `${file}:${row + 1}:${column + 1}: ${what} near ${JSON.stringify(node.text.slice(0, 60))}`,
      );
    }
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  return problems;
}

/** Every `.bicep` file under infra/, relative to the project root. */
export function bicepFiles(dir = infraDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? bicepFiles(join(dir, entry.name))
        : entry.name.endsWith(".bicep")
          ? [relative(projectRoot, join(dir, entry.name))]
          : [],
    )
    .sort();
}

/** Named children without comments (comments are extras and may sit anywhere). */
function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type !== "comment");
}

function stringValue(node: SyntaxNode): string | Expr {
  if (node.namedChildren.some((c) => c.type === "interpolation")) return new Expr(node.text);
  return node.namedChildren.map((c) => (c.type === "escape_sequence" ? unescape(c.text) : c.text)).join("");
}

function unescape(sequence: string): string {
  const escapes: Record<string, string> = { "\\n": "\n", "\\r": "\r", "\\t": "\t" };
  return escapes[sequence] ?? sequence.slice(1);
}

/** The literal value of a node; anything that is not a literal becomes an {@link Expr}. */
export function valueOf(node: SyntaxNode): BicepValue {
  switch (node.type) {
    case "string":
      return stringValue(node);
    case "number":
      return Number(node.text);
    case "boolean":
      return node.text === "true";
    case "null":
      return null;
    case "array":
      return named(node).map(valueOf);
    case "object": {
      const result: Record<string, BicepValue> = {};
      for (const property of node.namedChildren.filter((c) => c.type === "object_property")) {
        const [key, value] = named(property);
        if (!key || !value) continue;
        const name = key.type === "string" ? stringValue(key) : key.text;
        result[typeof name === "string" ? name : name.text] = valueOf(value);
      }
      return result;
    }
    case "for_statement": {
      const body = node.childForFieldName("body");
      return new ForExpr(node.text, loopOf(node), body ? valueOf(body) : null);
    }
    case "ternary_expression": {
      const condition = node.childForFieldName("condition");
      const consequence = node.childForFieldName("consequence");
      const alternative = node.childForFieldName("alternative");
      return new Conditional(
        node.text,
        condition?.text ?? "",
        consequence ? valueOf(consequence) : null,
        alternative ? valueOf(alternative) : null,
      );
    }
    case "parenthesized_expression": {
      const [inner] = named(node);
      return inner?.type === "ternary_expression" ? valueOf(inner) : new Expr(node.text);
    }
    default:
      return new Expr(node.text);
  }
}

function loopOf(node: SyntaxNode): Loop {
  const parameters = node.namedChildren.find((c) => c.type === "for_loop_parameters");
  const item =
    parameters?.namedChildren.find((c) => c.type === "loop_variable")?.text ??
    node.childForFieldName("initializer")?.text ??
    "";
  const index = parameters?.namedChildren.find((c) => c.type === "loop_enumerator")?.text;
  const inKeyword = node.children.findIndex((c) => c.type === "in");
  const collection = node.children[inKeyword + 1]?.text ?? "";
  return { item, ...(index ? { index } : {}), collection };
}

function unwrapBody(node: SyntaxNode): Body {
  if (node.type === "if_statement") {
    const [condition, object] = named(node);
    const inner = object ? unwrapBody(object) : { body: {} };
    return { ...inner, condition: condition?.text.replace(/^\(|\)$/g, "") };
  }
  if (node.type === "for_statement") {
    const bodyNode = node.childForFieldName("body");
    const inner = bodyNode ? unwrapBody(bodyNode) : { body: {} };
    return { ...inner, loop: loopOf(node) };
  }
  const value = valueOf(node);
  return {
    body:
      value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Expr) ? value : {},
  };
}

function decoratorsOf(node: SyntaxNode): Record<string, BicepValue[]> {
  const previous = node.previousNamedSibling;
  const result: Record<string, BicepValue[]> = {};
  if (previous?.type !== "decorators") return result;
  for (const decorator of previous.namedChildren) {
    const call = decorator.namedChildren[0];
    const name = call?.childForFieldName("function")?.text ?? call?.text ?? "";
    const args = call?.childForFieldName("arguments")?.namedChildren ?? [];
    result[name] = args.map(valueOf);
  }
  return result;
}

/** The value after `=` in a declaration (the last named child). */
function assigned(node: SyntaxNode): SyntaxNode | undefined {
  const eq = node.children.findIndex((c) => c.type === "=");
  return eq >= 0 ? node.children.slice(eq + 1).find((c) => c.isNamed && c.type !== "comment") : undefined;
}

export function parseTemplate(file: string): Template {
  const tree = parseSource(readFileSync(join(projectRoot, file), "utf8"));
  const template: Template = {
    file,
    params: new Map(),
    vars: new Map(),
    resources: [],
    modules: [],
    outputs: new Map(),
  };
  for (const node of tree.rootNode.namedChildren) {
    const name = node.namedChildren.find((c) => c.type === "identifier")?.text ?? "";
    const value = assigned(node);
    switch (node.type) {
      case "parameter_declaration": {
        const type =
          node.namedChildren.find((c) => c.type === "type" || c.type.endsWith("_type"))?.text ?? "";
        template.params.set(name, {
          name,
          type,
          ...(value ? { defaultValue: valueOf(value) } : {}),
          decorators: decoratorsOf(node),
        });
        break;
      }
      case "variable_declaration":
        if (value) template.vars.set(name, valueOf(value));
        break;
      case "output_declaration":
        if (value) template.outputs.set(name, valueOf(value));
        break;
      case "resource_declaration": {
        const typeNode = node.namedChildren.find((c) => c.type === "string");
        const [type = "", apiVersion = ""] = (typeNode ? String(valueOf(typeNode)) : "").split("@");
        template.resources.push({
          symbol: name,
          type,
          apiVersion,
          existing: node.children.some((c) => c.type === "existing"),
          ...(value ? unwrapBody(value) : { body: {} }),
        });
        break;
      }
      case "module_declaration": {
        const pathNode = node.namedChildren.find((c) => c.type === "string");
        template.modules.push({
          symbol: name,
          path: pathNode ? String(valueOf(pathNode)) : "",
          ...(value ? unwrapBody(value) : { body: {} }),
        });
        break;
      }
    }
  }
  return template;
}

/** Bicep's built-in functions (https://learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions); names are case-insensitive. */
const builtInFunctions = new Set(
  `
  allowed batchSize description discriminator export maxLength maxValue metadata minLength minValue sealed secure
  array base64 base64ToString bool cidrHost cidrSubnet concat contains dataUri dateTimeAdd deployer deployment empty endsWith environment
  filter first flatten format guid indexOf int intersection items json last lastIndexOf length loadFileAsBase64
  loadJsonContent loadTextContent map max min padLeft parseCidr range reduce replace resourceGroup resourceId skip sort split
  startsWith string subscription subscriptionResourceId substring take tenant tenantResourceId toLower toObject toUpper
  trim union uniqueString uri uriComponent utcNow
  `
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => f.toLowerCase()),
);
const isBuiltInFunction = (name: string) => builtInFunctions.has(name.toLowerCase()) || /^list/i.test(name);

/**
 * What a compiler would reject or warn about that the syntax tree can show: calls to unknown functions,
 * references to undeclared names, and parameters or variables that nothing uses.
 */
export function referenceProblems(file: string): string[] {
  const tree = parseSource(readFileSync(join(projectRoot, file), "utf8"));
  const declared = new Map<string, string>();
  const loopVariables = new Set<string>();
  const referenced = new Set<string>();
  const problems: string[] = [];
  for (const node of tree.rootNode.namedChildren) {
    const name = node.namedChildren.find((c) => c.type === "identifier")?.text;
    if (name && node.type.endsWith("_declaration")) declared.set(name, node.type.replace("_declaration", ""));
  }
  const at = (node: SyntaxNode) => `${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
  const visit = (node: SyntaxNode): void => {
    if (node.type === "loop_variable" || node.type === "loop_enumerator") loopVariables.add(node.text);
    if (node.type === "for_statement") {
      const initializer = node.childForFieldName("initializer");
      if (initializer) loopVariables.add(initializer.text);
    }
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  const check = (node: SyntaxNode): void => {
    if (node.type === "identifier") {
      const parent = node.parent;
      const firstNamed = parent ? named(parent)[0] : undefined;
      const isName =
        parent &&
        firstNamed?.id === node.id &&
        (parent.type.endsWith("_declaration") || parent.type === "object_property");
      const isFunction =
        parent?.type === "call_expression" && parent.childForFieldName("function")?.id === node.id;
      const isInitializer =
        parent?.type === "for_statement" && parent.childForFieldName("initializer")?.id === node.id;
      if (isFunction) {
        if (!isBuiltInFunction(node.text)) problems.push(`${at(node)}: unknown function ${node.text}()`);
      } else if (!isName && !isInitializer) {
        referenced.add(node.text);
        if (!declared.has(node.text) && !loopVariables.has(node.text))
          problems.push(`${at(node)}: ${node.text} is not declared`);
      }
    }
    for (const child of node.children) check(child);
  };
  check(tree.rootNode);
  for (const [name, kind] of declared) {
    if ((kind === "parameter" || kind === "variable") && !referenced.has(name))
      problems.push(`${file}: ${kind} ${name} is never used`);
  }
  return problems;
}

/** Local module calls: every required parameter is passed, no unknown one is, and every output read exists. */
export function moduleProblems(file: string): string[] {
  const template = parseTemplate(file);
  const problems: string[] = [];
  const local = new Map(
    template.modules
      .filter((m) => !m.path.startsWith("br/") && !m.path.startsWith("br:"))
      .map((m) => [m.symbol, parseTemplate(relative(projectRoot, join(projectRoot, dirname(file), m.path)))]),
  );
  for (const module of template.modules) {
    const target = local.get(module.symbol);
    if (!target) continue;
    const passed = Object.keys(asObject(module.body["params"] ?? {}, `${module.symbol} params`));
    for (const name of passed) {
      if (!target.params.has(name))
        problems.push(
          `${file}: module ${module.symbol} passes ${name}, which ${module.path} does not declare`,
        );
    }
    for (const param of target.params.values()) {
      const optional = param.defaultValue !== undefined || param.type.endsWith("?");
      if (!optional && !passed.includes(param.name))
        problems.push(`${file}: module ${module.symbol} does not pass ${param.name}`);
    }
  }
  const source = readFileSync(join(projectRoot, file), "utf8");
  for (const [, symbol, output] of source.matchAll(/\b(\w+)!?\.outputs\.(\w+)/g)) {
    const target = local.get(symbol!);
    if (target && !target.outputs.has(output!))
      problems.push(`${file}: ${symbol}.outputs.${output} is not an output of ${target.file}`);
  }
  return problems;
}

/** The `params` object of a module call. */
export function moduleParams(template: Template, symbol: string): Record<string, BicepValue> {
  const module = template.modules.find((m) => m.symbol === symbol);
  if (!module) throw new Error(`${template.file} has no module ${symbol}`);
  return asObject(module.body["params"], `${template.file} module ${symbol} params`);
}

/** Narrows a value to an object literal (fails the test otherwise). */
export function asObject(value: BicepValue | undefined, what: string): Record<string, BicepValue> {
  if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Expr)) return value;
  throw new Error(`${what} is not an object literal: ${sourceOf(value)}`);
}

/** Narrows a value to an array literal (fails the test otherwise). */
export function asArray(value: BicepValue | undefined, what: string): BicepValue[] {
  if (Array.isArray(value)) return value;
  throw new Error(`${what} is not an array literal: ${sourceOf(value)}`);
}

/** Source text of an expression, or the literal as JSON. */
export function sourceOf(value: BicepValue | undefined): string {
  if (value instanceof Expr) return value.text;
  return JSON.stringify(value);
}

/** Replaces expressions with their source text, for comparing literals with toEqual. */
export function plain(value: BicepValue | undefined): unknown {
  if (value instanceof ForExpr)
    return { for: `${value.loop.item} in ${value.loop.collection}`, body: plain(value.body) };
  if (value instanceof Expr) return `<${value.text}>`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
