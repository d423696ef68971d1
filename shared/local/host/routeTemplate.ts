import { parseRouteConstraint, type RouteConstraint } from "./routeConstraints";

interface RouteParameter {
  name: string;
  constraints: RouteConstraint[];
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
}

type RouteSegment =
  | { kind: "literal"; text: string }
  | { kind: "parameter"; parameter: RouteParameter }
  /** A segment mixing text and parameters, such as `file.{ext}`. */
  | { kind: "complex"; pattern: RegExp; parameters: RouteParameter[] };

export interface CompiledRoute {
  template: string;
  /**
   * ASP.NET Core inbound precedence, one digit per segment, lower is more specific: literal 1, complex 2,
   * constrained parameter 3, parameter 4, catch-all 5. So `shipment/feed` beats `shipment/{id}`.
   */
  precedence: number[];
  /** Route values for decoded path segments, or undefined when the path doesn't fit the template. */
  match(pathSegments: string[]): Record<string, string> | undefined;
}

/** Splits on a separator outside parentheses, so `regex(a:b)` stays one constraint. */
function splitOutsideParentheses(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of text) {
    if (character === "(") depth++;
    if (character === ")") depth--;
    if (character === separator && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts;
}

function parseParameter(body: string, template: string): RouteParameter {
  const catchAll = body.startsWith("*");
  let rest = body.replace(/^\*{1,2}/, "");
  const [withoutDefault = "", ...defaultParts] = splitOutsideParentheses(rest, "=");
  rest = withoutDefault;
  const optional = rest.endsWith("?");
  if (optional) rest = rest.slice(0, -1);
  const [name = "", ...constraintTexts] = splitOutsideParentheses(rest, ":");
  if (!/^\w+$/.test(name)) throw new Error(`route "${template}" has an invalid parameter "{${body}}"`);
  const parameter: RouteParameter = {
    name,
    constraints: constraintTexts.map(parseRouteConstraint),
    optional,
    catchAll,
  };
  if (defaultParts.length > 0) parameter.defaultValue = defaultParts.join("=");
  return parameter;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function parseSegment(segment: string, template: string): RouteSegment {
  const parts = segment.split(/(\{[^{}]*\})/).filter((part) => part !== "");
  if (parts.length === 1 && parts[0]?.startsWith("{")) {
    return { kind: "parameter", parameter: parseParameter(parts[0].slice(1, -1), template) };
  }
  if (!parts.some((part) => part.startsWith("{"))) return { kind: "literal", text: segment.toLowerCase() };
  const parameters: RouteParameter[] = [];
  let pattern = "";
  for (const part of parts) {
    if (part.startsWith("{")) {
      const parameter = parseParameter(part.slice(1, -1), template);
      if (parameter.catchAll) throw new Error(`route "${template}": a catch-all must be a whole segment`);
      parameters.push(parameter);
      pattern += "(.+?)";
    } else {
      pattern += escapeRegExp(part);
    }
  }
  return { kind: "complex", pattern: new RegExp(`^${pattern}$`, "i"), parameters };
}

function precedenceDigit(segment: RouteSegment): number {
  if (segment.kind === "literal") return 1;
  if (segment.kind === "complex") return 2;
  if (segment.parameter.catchAll) return 5;
  return segment.parameter.constraints.length > 0 ? 3 : 4;
}

function accepts(parameter: RouteParameter, value: string): boolean {
  return parameter.constraints.every((constraint) => constraint(value));
}

function matchSegments(segments: RouteSegment[], path: string[]): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  let index = 0;
  for (const segment of segments) {
    const value = path[index];
    if (segment.kind === "literal") {
      if (value?.toLowerCase() !== segment.text) return undefined;
      index++;
    } else if (segment.kind === "complex") {
      const match = value === undefined ? null : segment.pattern.exec(value);
      if (!match) return undefined;
      for (const [position, parameter] of segment.parameters.entries()) {
        const captured = match[position + 1] ?? "";
        if (!accepts(parameter, captured)) return undefined;
        values[parameter.name] = captured;
      }
      index++;
    } else {
      const { parameter } = segment;
      const captured = parameter.catchAll ? path.slice(index).join("/") : value;
      if (captured === undefined || captured === "") {
        // Absent: allowed for optional, defaulted and catch-all parameters (which are always last).
        if (parameter.defaultValue !== undefined) values[parameter.name] = parameter.defaultValue;
        else if (!parameter.optional && !parameter.catchAll) return undefined;
        continue;
      }
      if (!accepts(parameter, captured)) return undefined;
      values[parameter.name] = captured;
      index = parameter.catchAll ? path.length : index + 1;
    }
  }
  return index === path.length ? values : undefined;
}

/** Compiles an Azure Functions (ASP.NET Core) route template such as `orders/{id:guid}/notifications/{*rest}`. */
export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, "");
  const segments = trimmed === "" ? [] : trimmed.split("/").map((segment) => parseSegment(segment, template));
  segments.forEach((segment, position) => {
    const isLast = position === segments.length - 1;
    if (
      segment.kind === "parameter" &&
      (segment.parameter.catchAll || segment.parameter.optional) &&
      !isLast
    ) {
      throw new Error(`route "${template}": optional and catch-all parameters must be the last segment`);
    }
  });
  return {
    template,
    precedence: segments.map(precedenceDigit),
    match: (pathSegments) => matchSegments(segments, pathSegments),
  };
}

/** Negative when `a` is more specific than `b`, comparing digit by digit (a missing digit counts as 0). */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let position = 0; position < length; position++) {
    const difference = (a.precedence[position] ?? 0) - (b.precedence[position] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Splits a URL path into decoded segments; an encoded slash stays inside its segment. */
export function pathSegments(pathname: string): string[] {
  const trimmed = pathname.replace(/^\/+/, "").replace(/\/$/, "");
  if (trimmed === "") return [];
  return trimmed.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}
