import type { z } from "zod";
import { atRequestTime } from "./requestTime";
import { nullPrototypeRecord } from "../../narrowing";

interface ValidationContext {
  /** When the request was received: send-time rules and the default send time use it. */
  now: Date;
}

/** Problems by field path (`recipient.recipientEmail.emailAddress`, `reminders[0].delayDays`; `""` is the body). */
export type ValidationErrors = Record<string, string[]>;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationErrors };

/**
 * Parses a request body with one of the request schemas, the way ASP.NET model binding and FluentValidation
 * treat an Altinn request: unknown properties are ignored, `null` properties count as absent, every problem
 * is reported (not just the first), keyed by the camelCase path of the field it concerns.
 */
export function validate<T>(
  schema: z.ZodType<T>,
  body: unknown,
  context: ValidationContext,
): ValidationResult<T> {
  const input = withoutNullProperties(body);
  const result = atRequestTime(context.now, () => schema.safeParse(input, { error: describeIssue }));
  if (result.success) return { ok: true, value: result.data };

  // No prototype: a field named "constructor" or "__proto__" is a key like any other.
  const errors: ValidationErrors = nullPrototypeRecord();
  for (const issue of result.error.issues) {
    const key = fieldPath(issue.path);
    const messages = (errors[key] ??= []);
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  return { ok: false, errors };
}

/** `["reminders", 0, "delayDays"]` → `reminders[0].delayDays`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let key = "";
  for (const segment of path) {
    if (typeof segment === "number") key += `[${segment}]`;
    else key += key === "" ? String(segment) : `.${String(segment)}`;
  }
  return key;
}

/** Deeper than any request schema; below it values are left as sent (the schema ignores or rejects them). */
const maxCleanedDepth = 32;

/**
 * System.Text.Json gives `null` to a nullable property and ASP.NET then treats it as not set; dropping
 * null-valued properties up front lets the schemas express "optional" once. Nulls inside arrays stay, and
 * are reported as the wrong type. The depth bound keeps a hostile, deeply nested body from exhausting the stack.
 */
function withoutNullProperties(value: unknown, depth = 0): unknown {
  if (depth > maxCleanedDepth) return value;
  if (Array.isArray(value)) return value.map((item) => withoutNullProperties(item, depth + 1));
  if (value === null || typeof value !== "object") return value;
  // fromEntries defines own properties, so a "__proto__" key in the JSON stays data and sets no prototype.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, property]) => property !== null)
      .map(([key, property]) => [key, withoutNullProperties(property, depth + 1)]),
  );
}

const typeNames: Partial<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
};

/**
 * Messages for the problems the schemas leave to the default: a missing required field (in ASP.NET's
 * `[Required]` wording) and a JSON value of the wrong type. Returning undefined keeps zod's own message.
 */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  const path = issue.path ?? [];
  if (path.length === 0) return "The request body must be a JSON object.";
  if (issue.input === undefined) {
    const field = path[path.length - 1];
    return typeof field === "string"
      ? `The ${pascalCase(field)} field is required.`
      : "The field is required.";
  }
  const expected = typeNames[issue.expected];
  return expected ? `The field must be ${expected}.` : undefined;
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
