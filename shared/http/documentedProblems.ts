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
