import { processQueueOf, sendQueueOf } from "../domain/lanes";
import type { QueueKey } from "../platform/resources";

/**
 * Deliveries at once on the bulk lane's queues in local mode. On Azure each lane's functions scale on
 * instances of their own (Flex Consumption per-function scaling), so a bulk fan-out takes nothing from the
 * priority lane; locally both share one process, its event loop and the embedded Cosmos server, so the bulk
 * lane gets a small share and the priority lane keeps host.json's maxConcurrentCalls.
 */
export const localQueueConcurrency: Partial<Record<QueueKey, number>> = {
  [processQueueOf("bulk")]: 1,
  [sendQueueOf("bulk", "email")]: 2,
  [sendQueueOf("bulk", "sms")]: 2,
};
