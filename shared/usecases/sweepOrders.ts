import type { OrderDocument } from "../domain/order";
import { chunksOf } from "../chunks";
import { isAppError } from "../errors";
import { errorMessage } from "../narrowing";
import type { SendBatches } from "../ports/sendBatches";
import type { UnreadableDocument } from "../ports/sweepPage";
import { claimAndPublish, type ReleaseDeps } from "./steps/claimAndPublish";
import { reconcileProcessedOrder } from "./steps/reconcileProcessedOrder";
import { confirmFeed } from "./steps/transitionOrder";

interface SweepDeps extends ReleaseDeps {
  sendBatches: SendBatches;
}

interface SweepOptions {
  /** Orders claimed together, and sweep pages read per query. */
  batchSize: number;
  /** Bounds one timer run; the next run continues where this one stopped. */
  maxBatches: number;
  /** Pending notifications looked at per order and run; a larger order is looked at again soon. */
  pendingPerOrder: number;
}

const defaultSweepOptions: SweepOptions = { batchSize: 50, maxBatches: 20, pendingPerOrder: 1000 };

export interface SweepSummary {
  /** Due orders claimed and published for processing. */
  released: number;
  /** Orders whose processing lease ran out, released again. */
  recovered: number;
  /** Sends published again (lost messages, abandoned sends). */
  resent: number;
  /** Orders completed by the sweeper (their last completion check was lost). */
  completed: number;
  quarantined: Array<UnreadableDocument & { kind: "order" | "notification" | "sendBatch" }>;
  /** Orders the sweep could not handle this time (a store error); each is tried again next run. */
  failed: Array<{ orderId: string; problem: string }>;
}

async function sweepOne(
  deps: SweepDeps,
  order: OrderDocument,
  options: SweepOptions,
  summary: SweepSummary,
): Promise<void> {
  const now = deps.clock.now().getTime();
  if (order.status === "Processing") {
    if (order.leaseUntil === undefined || Date.parse(order.leaseUntil) <= now) {
      const { claimed, failed } = await claimAndPublish(deps, [order]);
      summary.recovered += claimed.length;
      summary.failed.push(...failed);
      return;
    }
    await confirmFeed(deps, order, order.leaseUntil);
    return;
  }
  if (order.status === "Processed") {
    await reconcileProcessedOrder(deps, order, options.pendingPerOrder, summary);
    return;
  }
  await confirmFeed(deps, order, undefined);
}

async function quarantineOrders(deps: SweepDeps, unreadable: UnreadableDocument[], summary: SweepSummary) {
  for (const document of unreadable) {
    await deps.orders.quarantine(document.id, document.problem, deps.clock.now());
    summary.quarantined.push({ ...document, kind: "order" });
  }
}

/**
 * Timer job: the store is the source of truth and this sweep re-drives whatever is overdue, so a lost,
 * late or duplicated queue message only delays work. It releases due orders, releases again orders whose
 * processing lease ran out, re-publishes lost or abandoned sends, completes orders whose completion was
 * missed and appends status-feed entries a process died before appending. It finds work by two indexed
 * queries (due orders; orders whose `sweepAt` has come), handles each order on its own (one failure holds
 * back no other) and sets aside documents that fail their schema instead of stopping.
 */
export async function sweepOrders(
  deps: SweepDeps,
  options: SweepOptions = defaultSweepOptions,
): Promise<SweepSummary> {
  const summary: SweepSummary = {
    released: 0,
    recovered: 0,
    resent: 0,
    completed: 0,
    quarantined: [],
    failed: [],
  };
  // Due orders are read by one query per run where they fit its first page, and claimed a batch at a time: a
  // query costs per call as well as per row (RU on Cosmos DB, a pass over every order in the embedded store).
  releasing: for (let left = options.batchSize * options.maxBatches; left > 0;) {
    const due = await deps.orders.findDue(deps.clock.now(), left);
    await quarantineOrders(deps, due.unreadable, summary);
    const read = due.documents.length + due.unreadable.length;
    for (const batch of chunksOf(due.documents, options.batchSize)) {
      const { claimed, failed } = await claimAndPublish(deps, batch);
      summary.released += claimed.length;
      summary.failed.push(...failed);
      // Nothing claimed: another sweep is releasing the same orders, and the rest of them are theirs too.
      if (claimed.length === 0) break releasing;
    }
    if (!due.more || read === 0) break;
    left -= read;
  }
  for (let batch = 0; batch < options.maxBatches; batch += 1) {
    const page = await deps.orders.findToSweep(deps.clock.now(), options.batchSize);
    await quarantineOrders(deps, page.unreadable, summary);
    let failures = 0;
    for (const order of page.documents) {
      try {
        await sweepOne(deps, order, options, summary);
      } catch (error) {
        // A lost race means another worker moved the order on; anything else is retried next run.
        if (isAppError(error, "conflict")) continue;
        failures += 1;
        summary.failed.push({ orderId: order.id, problem: errorMessage(error) });
      }
    }
    const full = page.documents.length + page.unreadable.length >= options.batchSize;
    // Orders that failed are still due; reading them again in this run would only fail again.
    if (!full || failures === page.documents.length) break;
  }
  return summary;
}
