/**
 * What the templates read from resources and modules: every `symbol.a.b.c` member chain, found in the syntax
 * tree (string interpolations included), so reads can be checked against the types and module outputs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Parser from "tree-sitter";
import { parseSource, projectRoot, type Template } from "./bicep";

/** Keys of a resource body that Bicep itself consumes; they are not properties of the resource type. */
export const bicepOnlyKeys = ["parent", "scope", "dependsOn"];

export interface MemberChain {
  root: string;
  chain: string[];
  line: number;
}

const cache = new Map<string, MemberChain[]>();

/**
 * Every outermost member chain rooted at an identifier (`a[i]!.b.c` gives root a, chain [b, c]).
 * tree-sitter-bicep 1.1 parses `x ? y : a.b.c` as `(x ? y : a).b.c`, where Bicep reads `x ? y : (a.b.c)`;
 * a chain on a ternary is therefore taken as the alternative's chain continued.
 */
export function memberChains(file: string): MemberChain[] {
  const cached = cache.get(file);
  if (cached) return cached;
  const tree = parseSource(readFileSync(join(projectRoot, file), "utf8"));
  const chains: MemberChain[] = [];
  const rootOf = (
    start: Parser.SyntaxNode | null,
    chain: string[],
  ): { root: string; chain: string[] } | undefined => {
    let current = start;
    while (current?.type === "member_expression") {
      chain.unshift(current.childForFieldName("property")?.text ?? "");
      current = current.childForFieldName("object");
      while (current?.type === "subscript_expression" || current?.type === "non_null_expression")
        current = current.childForFieldName("object") ?? current.namedChildren[0] ?? null;
    }
    if (current?.type === "identifier") return { root: current.text, chain };
    if (current?.type === "ternary_expression")
      return rootOf(current.childForFieldName("alternative"), chain);
    return undefined;
  };
  const visit = (node: Parser.SyntaxNode): void => {
    const isOutermost =
      node.type === "member_expression" &&
      !(node.parent?.type === "member_expression" && node.parent.childForFieldName("object")?.id === node.id);
    if (isOutermost) {
      const found = rootOf(node, []);
      if (found) chains.push({ ...found, line: node.startPosition.row + 1 });
    }
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  cache.set(file, chains);
  return chains;
}

/** Property paths read from a resource symbol (`storage.properties.primaryEndpoints.blob` → [properties, primaryEndpoints, blob]). */
export function resourceReads(template: Template, symbol: string): string[][] {
  const seen = new Set<string>();
  return memberChains(template.file)
    .filter((c) => c.root === symbol)
    .map((c) => c.chain)
    .filter((chain) => {
      const key = chain.join(".");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Output names read from a module symbol (`storage.outputs.serviceEndpoints.blob` → serviceEndpoints). */
export function moduleOutputReads(template: Template, symbol: string): string[] {
  return [
    ...new Set(
      memberChains(template.file)
        .filter((c) => c.root === symbol && c.chain[0] === "outputs" && c.chain[1])
        .map((c) => c.chain[1]!),
    ),
  ];
}
