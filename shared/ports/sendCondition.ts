/**
 * Asks a service owner's condition endpoint whether an order should still be sent (Altinn §3.6).
 * `error` covers every way the endpoint failed to give a clear yes or no; the caller decides whether to
 * retry or send regardless (Altinn retries once after 60 s, then sends). `reason` is short and never contains
 * the response body, so it is safe to log and store.
 */
export type SendConditionResult = { outcome: "send" | "skip" } | { outcome: "error"; reason: string };

export interface SendConditionChecker {
  check(endpoint: string): Promise<SendConditionResult>;
}
