import { problemCodes } from "./problem";

/**
 * Problem answers several operation lists document alike. A module of its own: the lists beside openapi.ts
 * are imported by it, so a constant there would still be undefined when they read it.
 */

/** Altinn lists 499 on routes 10-18; varsel answers it where the host can tell (docs/altinn-parity.md). */
export const clientClosedResponse = {
  [String(problemCodes.requestTerminated.status)]:
    `${problemCodes.requestTerminated.code}: the client disconnected or cancelled the request before the server could complete processing; nothing was stored. Seen by the local host only: Azure Functions gives a Node worker no signal of it, so there the request completes and its answer is lost.`,
};

/**
 * A 429 of an intake route: Retry-After always; the IETF RateLimit headers when the organisation has a request
 * rate (every answer of the route carries them then).
 */
export function throttledResponse(description: string) {
  return {
    description,
    headers: {
      "retry-after": "Seconds until a request is admitted again (or, for the quota, the month turns).",
    },
    optionalHeaders: {
      ratelimit:
        'The IETF RateLimit header: the policy, the requests left (r) and the seconds until they are all back (t), e.g. "intake";r=0;t=10.',
      "ratelimit-policy":
        'The IETF RateLimit-Policy header: the burst (q) and its window in seconds (w), e.g. "intake";q=2000;w=10.',
    },
  };
}
