import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import {
  exceedsQuota,
  limitsOf,
  notificationsRequested,
  quotaMonthOf,
  rateLimitHeaders,
  type TenantLimits,
} from "../domain/intakeLimits";
import { authenticatedEndpoint, type AuthenticatedRequest } from "./endpoint";
import { problem } from "./problem";
import { errorMessage } from "../narrowing";

const problemTypes = {
  rateLimited: "https://varsel.no/problems/rate-limited",
  quotaExceeded: "https://varsel.no/problems/quota-exceeded",
} as const;

function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

/**
 * An intake endpoint under the organisation's request rate: 429 with `Retry-After` and the IETF
 * `RateLimit`/`RateLimit-Policy` headers, which every answer carries. The bulk routes (settings, each part,
 * submit) are requests like any other here; what they count against the quota is decided at submit.
 */
export function rateLimitedEndpoint(
  requiredScope: string,
  handle: (input: AuthenticatedRequest) => Promise<HttpResponseInit>,
) {
  return authenticatedEndpoint(requiredScope, async (input) => {
    const { deps, principal } = input;
    const now = deps.clock.now();
    const limits = limitsOf(deps.settings.SERVICE_OWNER_LIMITS, principal.tenant);
    const admission =
      limits.requestsPerSecond > 0
        ? await deps.intakeLimiter.admit(principal.tenant, limits, now)
        : { allowed: true as const, remaining: limits.burst };
    if (!admission.allowed) {
      return problem({
        status: 429,
        title: "Too Many Requests",
        type: problemTypes.rateLimited,
        detail: `The organisation's limit is ${limits.requestsPerSecond} order requests a second (bursts of ${limits.burst}).`,
        headers: {
          "retry-after": String(secondsUntil(admission.retryAt, now)),
          ...rateLimitHeaders(limits, 0),
        },
      });
    }
    const response = await handle(input);
    if (limits.requestsPerSecond === 0) return response;
    const merged = new Headers(response.headers);
    for (const [name, value] of Object.entries(rateLimitHeaders(limits, admission.remaining)))
      merged.set(name, value);
    return { ...response, headers: Object.fromEntries(merged) };
  });
}

/**
 * An order-creating endpoint under the organisation's limits: its request rate (`rateLimitedEndpoint`) and its
 * monthly notification quota (429 with a problem saying so once the month's quota is used up; the order that
 * crosses it is accepted). Only created orders count (201, 202): a replay of an accepted request counts nothing.
 */
export function limitedIntakeEndpoint(
  requiredScope: string,
  handle: (input: AuthenticatedRequest) => Promise<HttpResponseInit>,
) {
  return rateLimitedEndpoint(requiredScope, async (input) => {
    const now = input.deps.clock.now();
    const exceeded = await quotaProblem(input, now);
    if (exceeded) return exceeded;
    // The handler reads the body; the copy tells afterwards how many notifications an accepted order holds.
    const copy = input.request.clone();
    const response = await handle(input);
    if (response.status === 201 || response.status === 202) await charge(input, copy, now);
    return response;
  });
}

async function quotaProblem(
  { deps, principal }: AuthenticatedRequest,
  now: Date,
): Promise<HttpResponseInit | undefined> {
  const limits = limitsOf(deps.settings.SERVICE_OWNER_LIMITS, principal.tenant);
  if (limits.monthlyNotifications === 0) return undefined;
  const used = await deps.notificationQuota.used(principal.tenant, quotaMonthOf(now).month);
  if (!exceedsQuota(used, 0, limits.monthlyNotifications)) return undefined;
  return quotaExceededProblem({ used, requested: 0, limits, now });
}

/**
 * The 429 of an order the monthly quota refuses: the month, what was used, the quota and when orders are taken
 * again; for an order of known size (a bulk order), its size and what is left.
 */
export function quotaExceededProblem(input: {
  used: number;
  requested: number;
  limits: TenantLimits;
  now: Date;
}): HttpResponseInit {
  const { used, requested, limits, now } = input;
  const { month, resets } = quotaMonthOf(now);
  const quota = limits.monthlyNotifications;
  const size =
    requested > 0
      ? `This order holds ${requested} notifications and ${Math.max(0, quota - used)} are left of the quota: it was not submitted. `
      : "";
  return problem({
    status: 429,
    title: "Monthly notification quota exceeded",
    type: problemTypes.quotaExceeded,
    detail: `The organisation has ordered ${used} notifications in ${month}, its quota is ${quota}. ${size}New orders are accepted again from ${resets.toISOString()}.`,
    headers: { "retry-after": String(secondsUntil(resets, now)) },
    extensions: { month, used, quota, ...(requested > 0 ? { requested } : {}), resets: resets.toISOString() },
  });
}

/** Counts an accepted order's notifications; a failure to count is logged, never turned into a refusal. */
async function charge({ deps, principal, context }: AuthenticatedRequest, copy: HttpRequest, now: Date) {
  try {
    const body: unknown = JSON.parse(await copy.text());
    await deps.notificationQuota.add(principal.tenant, quotaMonthOf(now).month, notificationsRequested(body));
  } catch (error) {
    context.warn(`the accepted order was not counted against the quota: ${errorMessage(error)}`);
  }
}
