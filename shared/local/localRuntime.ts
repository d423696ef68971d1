import type { BearerTokenSource } from "../ports/bearerToken";
import type { Clock } from "../ports/clock";
import type { Publisher } from "../ports/publisher";

/** What the local host provides in place of Azure services. */
export interface LocalRuntime {
  publisher: Publisher;
  clock: Clock;
  /** Signs the bearer token of send-condition calls with the local key (Maskinporten's part on Azure). */
  conditionToken: BearerTokenSource;
  /** The embedded stand-ins it started, or the endpoints the local settings named instead. */
  cosmos: { endpoint: string; key?: string };
  acs: { endpoint: string; accessKey?: string };
  link: { url: string; username: string; password: string };
}
