/**
 * Checks Bicep values against a schema: the shape of an Azure resource type (from the generated Bicep types in
 * Azure/bicep-types-az) or of an AVM module parameter (from the module's compiled main.json). The fixtures under
 * tests/infra/fixtures/ hold these schemas for just what varsel uses; fixtures/generate.ts derives them.
 */
import { Conditional, Expr, ForExpr, type BicepValue } from "./bicep";

export type Schema =
  /** `enum` present: only these literals are accepted (a closed set). */
  | { type: "string"; enum?: string[] }
  | { type: "int" }
  | { type: "bool" }
  | { type: "any" }
  | { type: "array"; items?: Schema }
  | {
      type: "object";
      properties?: Record<string, Property>;
      additionalProperties?: Schema;
      /** A discriminated object: the value of `property` selects the case whose properties apply. */
      discriminator?: { property: string; cases: Record<string, Schema> };
    }
  | { type: "union"; of: Schema[] };

export interface Property {
  schema: Schema;
  required?: boolean;
  /** Set by Azure; a template must not set it. */
  readOnly?: boolean;
  description?: string;
}

type ObjectSchema = Extract<Schema, { type: "object" }>;

/** Resolves an expression that names a variable to the variable's value (one level), or nothing. */
export type Resolver = (expression: string) => BicepValue | undefined;

/** The properties an object schema accepts: its own, plus those of the case a discriminator value selects. */
function propertiesOf(schema: ObjectSchema, literal: Record<string, BicepValue>): Record<string, Property> {
  const own = schema.properties ?? {};
  if (!schema.discriminator) return own;
  const selector = literal[schema.discriminator.property];
  const cases =
    typeof selector === "string"
      ? [schema.discriminator.cases[selector]].filter((c): c is Schema => c !== undefined)
      : Object.values(schema.discriminator.cases);
  const merged: Record<string, Property> = { ...own };
  for (const c of cases)
    if (c.type === "object") for (const [k, p] of Object.entries(c.properties ?? {})) merged[k] ??= p;
  return merged;
}

function kindOf(value: BicepValue): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Every problem with a value against a schema: a property the schema does not define, a read-only property
 * set, a required property missing, a literal outside a closed set, a literal of the wrong kind.
 * Expressions are not evaluated; a ternary's both branches are checked, and a variable's value is.
 */
export function checkValue(
  value: BicepValue | undefined,
  schema: Schema,
  path: string,
  options: { resolve?: Resolver; skipRequired?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const visit = (v: BicepValue | undefined, s: Schema, at: string): void => {
    if (v === undefined || v === null || s.type === "any") return;
    if (s.type === "union") {
      const fits = s.of.map((option) => checkValue(v, option, at, options));
      if (!fits.some((p) => p.length === 0)) problems.push(...(fits[0] ?? []));
      return;
    }
    if (v instanceof Conditional) {
      visit(v.whenTrue, s, at);
      visit(v.whenFalse, s, at);
      return;
    }
    if (v instanceof ForExpr) {
      if (s.type !== "array")
        problems.push(`${at}: a for-expression gives an array; the schema expects ${s.type}`);
      else if (s.items) visit(v.body, s.items, `${at}[]`);
      return;
    }
    if (v instanceof Expr) {
      const resolved = options.resolve?.(v.text);
      if (resolved !== undefined) visit(resolved, s, at);
      return;
    }
    if (typeof v === "string") {
      if (s.type !== "string") problems.push(`${at}: ${kindOf(v)} where ${s.type} is expected`);
      else if (s.enum && !s.enum.includes(v))
        problems.push(
          `${at}: ${JSON.stringify(v)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`,
        );
      return;
    }
    if (typeof v === "number") {
      if (s.type !== "int") problems.push(`${at}: ${kindOf(v)} where ${s.type} is expected`);
      return;
    }
    if (typeof v === "boolean") {
      if (s.type !== "bool") problems.push(`${at}: ${kindOf(v)} where ${s.type} is expected`);
      return;
    }
    if (Array.isArray(v)) {
      if (s.type !== "array") problems.push(`${at}: an array where ${s.type} is expected`);
      else if (s.items) v.forEach((item, i) => visit(item, s.items!, `${at}[${i}]`));
      return;
    }
    if (s.type !== "object") {
      problems.push(`${at}: an object where ${s.type} is expected`);
      return;
    }
    const properties = propertiesOf(s, v);
    for (const [key, child] of Object.entries(v)) {
      const property = properties[key];
      if (property) {
        if (property.readOnly) problems.push(`${at}.${key} is read-only: Azure sets it`);
        visit(child, property.schema, `${at}.${key}`);
      } else if (s.additionalProperties) {
        visit(child, s.additionalProperties, `${at}.${key}`);
      } else {
        problems.push(`${at}.${key} is not a property of this type`);
      }
    }
    if (!options.skipRequired)
      for (const [key, property] of Object.entries(properties))
        if (property.required && !(key in v)) problems.push(`${at}.${key} is required`);
  };
  visit(value, schema, path);
  return problems;
}

/** The schema at a property path (a read such as `properties.primaryEndpoints.blob`), or why there is none. */
export function schemaAt(schema: Schema, path: string[]): Schema | string {
  let current: Schema = schema;
  for (const [i, segment] of path.entries()) {
    if (current.type === "any") return current;
    if (current.type !== "object") return `${path.slice(0, i).join(".")} is ${current.type}, not an object`;
    const properties = propertiesOf(current, {});
    const next = properties[segment]?.schema ?? current.additionalProperties;
    if (!next) return `${path.slice(0, i + 1).join(".")} is not a property of this type`;
    current = next;
  }
  return current;
}

/** The property (with its flags and description) at a path, if the schema defines it. */
export function propertyAt(schema: Schema, path: string[]): Property | undefined {
  const parent = path.length > 1 ? schemaAt(schema, path.slice(0, -1)) : schema;
  if (typeof parent === "string" || parent.type !== "object") return undefined;
  return propertiesOf(parent, {})[path[path.length - 1]!];
}
