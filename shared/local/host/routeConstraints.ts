/** A check on one route value; ASP.NET Core route constraints as the Functions host applies them. */
export type RouteConstraint = (value: string) => boolean;

const guidPattern =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\))$/i;
const integerPattern = /^-?\d+$/;

function isInt32(value: string): boolean {
  if (!integerPattern.test(value)) return false;
  const parsed = Number(value);
  return parsed >= -2_147_483_648 && parsed <= 2_147_483_647;
}

function isNumber(value: string): boolean {
  return value.trim() !== "" && Number.isFinite(Number(value));
}

function numericArguments(name: string, args: string | undefined, count: number): number[] {
  const parsed = (args ?? "").split(",").map((part) => Number(part.trim()));
  if (parsed.length !== count || parsed.some((n) => !Number.isFinite(n))) {
    throw new Error(`route constraint ${name} needs ${count} numeric argument(s), got "${args ?? ""}"`);
  }
  return parsed;
}

/** Builds the check for one constraint such as `int`, `guid`, `length(2,5)` or `regex(^a+$)`. */
export function parseRouteConstraint(text: string): RouteConstraint {
  const match = /^(\w+)(?:\((.*)\))?$/s.exec(text);
  if (!match?.[1]) throw new Error(`unreadable route constraint "${text}"`);
  const name = match[1].toLowerCase();
  const args = match[2];
  switch (name) {
    case "int":
      return isInt32;
    case "long":
      return (value) => integerPattern.test(value);
    case "bool":
      return (value) => /^(?:true|false)$/i.test(value);
    case "guid":
      return (value) => guidPattern.test(value);
    case "alpha":
      return (value) => /^[a-z]+$/i.test(value);
    case "decimal":
    case "double":
    case "float":
      return isNumber;
    case "datetime":
      return (value) => !Number.isNaN(Date.parse(value));
    case "required":
      return (value) => value !== "";
    case "minlength": {
      const [min = 0] = numericArguments(name, args, 1);
      return (value) => value.length >= min;
    }
    case "maxlength": {
      const [max = 0] = numericArguments(name, args, 1);
      return (value) => value.length <= max;
    }
    case "length": {
      const bounds = (args ?? "").includes(",")
        ? numericArguments(name, args, 2)
        : numericArguments(name, args, 1);
      const [min = 0, max = min] = bounds;
      return (value) => value.length >= min && value.length <= max;
    }
    case "min": {
      const [min = 0] = numericArguments(name, args, 1);
      return (value) => integerPattern.test(value) && Number(value) >= min;
    }
    case "max": {
      const [max = 0] = numericArguments(name, args, 1);
      return (value) => integerPattern.test(value) && Number(value) <= max;
    }
    case "range": {
      const [min = 0, max = 0] = numericArguments(name, args, 2);
      return (value) => integerPattern.test(value) && Number(value) >= min && Number(value) <= max;
    }
    case "regex": {
      // ASP.NET Core matches regex constraints case-insensitively and without implicit anchors.
      const pattern = new RegExp(args ?? "", "i");
      return (value) => pattern.test(value);
    }
    default:
      throw new Error(`route constraint "${text}" is not supported by the local host`);
  }
}
