import { dispatchWebhooks } from "../usecases/dispatchWebhooks";
import { timerJob } from "./handlers";

/** Queues and attempts webhook deliveries; one log line when a run did something (ids only, never URLs). */
export const dispatchWebhooksJob = timerJob(async (deps) => {
  const s = await dispatchWebhooks(deps);
  const parts = [
    s.queued > 0 ? `queued ${s.queued} webhook deliveries` : "",
    s.delivered > 0 ? `delivered ${s.delivered}` : "",
    s.retrying > 0 ? `${s.retrying} to retry` : "",
    s.failed > 0 ? `${s.failed} failed for good` : "",
    ...s.problems,
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join("; ") : undefined;
});
