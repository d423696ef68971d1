import type { BearerTokenSource } from "../ports/bearerToken";
import type { Clock } from "../ports/clock";
import type { Publisher } from "../ports/publisher";

/** What the local host provides in place of Azure services; registered before any function runs. */
export interface LocalRuntime {
  publisher: Publisher;
  clock: Clock;
  /** Signs the bearer token of send-condition calls with the local key (Maskinporten's part on Azure). */
  conditionToken?: BearerTokenSource;
}

let runtime: LocalRuntime | undefined;

export function registerLocalRuntime(value: LocalRuntime): void {
  runtime = value;
}

export function localRuntime(): LocalRuntime {
  if (!runtime) {
    throw new Error(
      "VARSEL_MODE is local but no local runtime is registered: start the service with `npm start`.",
    );
  }
  return runtime;
}
