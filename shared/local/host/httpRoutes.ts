import { compileRoute, comparePrecedence, pathSegments, type CompiledRoute } from "./routeTemplate";
import type { FunctionRegistration } from "./registrations";

export interface HttpRoute {
  registration: FunctionRegistration;
  route: CompiledRoute;
  prefix: string[];
  /** Upper-case methods; the package defaults an HTTP trigger without methods to GET and POST. */
  methods: string[];
}

type RouteSelection =
  | { kind: "matched"; route: HttpRoute; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

export function compilePrefixedRoute(registration: FunctionRegistration, routePrefix: string): HttpRoute {
  const { trigger } = registration;
  return {
    registration,
    // Like the Functions host, a trigger without a route is served at the function's name.
    route: compileRoute(trigger.route ?? registration.name),
    prefix: pathSegments(routePrefix).map((segment) => segment.toLowerCase()),
    methods: (trigger.methods ?? ["GET", "POST"]).map((method) => method.toUpperCase()),
  };
}

function withoutPrefix(segments: string[], prefix: string[]): string[] | undefined {
  if (segments.length < prefix.length) return undefined;
  const matches = prefix.every((segment, index) => segments[index]?.toLowerCase() === segment);
  return matches ? segments.slice(prefix.length) : undefined;
}

/**
 * Picks the function for a path and method the way ASP.NET Core endpoint routing does: every template
 * that fits the path is a candidate, candidates are narrowed by method, and the most specific wins. A
 * path that fits only templates without the method is a 405.
 */
export function selectRoute(routes: HttpRoute[], pathname: string, method: string): RouteSelection {
  const segments = pathSegments(pathname);
  const candidates: Array<{ route: HttpRoute; params: Record<string, string> }> = [];
  for (const route of routes) {
    const relative = withoutPrefix(segments, route.prefix);
    const params = relative && route.route.match(relative);
    if (params) candidates.push({ route, params });
  }
  if (candidates.length === 0) return { kind: "not-found" };

  const allowedHere = candidates.filter((candidate) => candidate.route.methods.includes(method));
  if (allowedHere.length === 0) {
    const allowed = [...new Set(candidates.flatMap((candidate) => candidate.route.methods))].sort();
    return { kind: "method-not-allowed", allowed };
  }
  // Array.prototype.sort is stable: between equally specific templates the first registered wins.
  const [best] = allowedHere.sort((a, b) => comparePrecedence(a.route.route, b.route.route));
  return best ? { kind: "matched", route: best.route, params: best.params } : { kind: "not-found" };
}
