import { expiryGraceSeconds } from "../domain/expiry";
import { heldNotification, wasSent } from "../domain/heldOrders";
import type { NotificationDocument } from "../domain/notification";
import type { OrderDocument } from "../domain/order";
import { isPendingNotification } from "../domain/statuses";
import { chunksOf } from "../chunks";
import { isAppError } from "../errors";
import { errorMessage } from "../narrowing";
import type { SendBatches } from "../ports/sendBatches";
import type { UnreadableDocument } from "../ports/sweepPage";
import { releaseLeaseMs, releaseSettleMs } from "../domain/recoveryTimes";
import {
  movedCursor,
  nextPosition,
  positionAt,
  positionOf,
  type ReleasePosition,
} from "../domain/releaseCursor";
import type { ReleaseCursor } from "../ports/orderStore";
import {
  claimAndPublish,
  publishReleases,
  releasesWithoutClaim,
  type ReleaseDeps,
} from "./steps/claimAndPublish";
import { reconcileProcessedOrder } from "./steps/reconcileProcessedOrder";
import type { RecentReleases } from "./steps/recentReleases";
import { completeOrder, confirmFeed, transitionOrder } from "./steps/transitionOrder";
import { completeOrderIfDone } from "./steps/completeOrderIfDone";

interface SweepDeps extends ReleaseDeps {
  sendBatches: SendBatches;
  /** The host's memory of what it released without a claim; absent, every order read is released again. */
  recentReleases?: RecentReleases;
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
  /** Orders whose processing lease ran out, or whose process message was lost, released again. */
  recovered: number;
  /** Orders whose notification held their status and still waits for its report: written Processed to watch. */
  watched: number;
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

type DuePage = Awaited<ReturnType<SweepDeps["orders"]["findDue"]>>;

/**
 * Reads due orders by one query per run where they fit its first page, and hands them to `release` a batch at
 * a time: a query costs per call as well as per row (RU on Cosmos DB, a pass over every order in the embedded
 * store). `release` says whether to go on; it stops when another sweep is releasing the same orders.
 */
async function releasePages(
  deps: SweepDeps,
  options: SweepOptions,
  summary: SweepSummary,
  findPage: (limit: number) => Promise<DuePage>,
  release: (batch: OrderDocument[]) => Promise<boolean>,
): Promise<void> {
  for (let left = options.batchSize * options.maxBatches; left > 0;) {
    const due = await findPage(left);
    await quarantineOrders(deps, due.unreadable, summary);
    const read = due.documents.length + due.unreadable.length;
    for (const batch of chunksOf(due.documents, options.batchSize)) if (!(await release(batch))) return;
    if (!due.more || read === 0) return;
    left -= read;
  }
}

/**
 * The orders of a batch before the first that failed (it is still due, and stops the cursor before it), and
 * whether one did.
 */
function upToFailure(batch: OrderDocument[], failed: ReadonlySet<string>) {
  const failedAt = batch.findIndex((o) => failed.has(o.id));
  return { passed: failedAt === -1 ? batch : batch.slice(0, failedAt), stopped: failedAt !== -1 };
}

/** Claims the orders and publishes their process messages; a failed claim goes to the summary too. */
async function claimBatch(deps: SweepDeps, batch: OrderDocument[], summary: SweepSummary) {
  const outcome = await claimAndPublish(deps, batch);
  summary.failed.push(...outcome.failed);
  return outcome;
}

/**
 * Takes up orders still Registered a lease after their release. One whose notification holds its status
 * (domain/heldOrders.ts) was sent: if its notification is final, its completion's feed entry is appended if a
 * lost completion left it out; else it is written Processed with the sweep at its notification's expiry, by
 * which its report or the terminate job completes it. Any other lost its process message (or its send was
 * interrupted) and is claimed and released again. One that fails (a store error) holds back no other; the
 * ids of those that failed are returned.
 */
async function recoverBatch(deps: SweepDeps, batch: OrderDocument[], summary: SweepSummary) {
  const lost: OrderDocument[] = [];
  const failed = new Set<string>();
  for (const order of batch) {
    try {
      const holder = heldNotification(order, await deps.notifications.listByOrder(order.id));
      if (!holder || !wasSent(holder)) lost.push(order);
      else if (!isPendingNotification(holder)) await completeOrderIfDone(deps, order.id, holder.id);
      else if (await watchHeld(deps, order, holder)) summary.watched += 1;
    } catch (error) {
      failed.add(order.id);
      summary.failed.push({ orderId: order.id, problem: errorMessage(error) });
    }
  }
  const { claimed, failed: claimsFailed } = await claimBatch(deps, lost, summary);
  summary.recovered += claimed.length;
  for (const { orderId } of claimsFailed) failed.add(orderId);
  return failed;
}

/**
 * Looks at the orders still Registered behind where the cursor stood a lease ago, after where this check last
 * stopped (the cursor's `checked`), a batch at a time (`recoverBatch`), and moves `checked` past each batch,
 * up to an order that failed (tried again next run). Each order is looked at once: one its notification holds
 * stays Registered once done. Returns the cursor as it now stands.
 */
async function checkReleased(
  deps: SweepDeps,
  options: SweepOptions,
  summary: SweepSummary,
  cursor: ReleaseCursor,
  behind: ReleasePosition,
): Promise<ReleaseCursor | undefined> {
  const now = deps.clock.now();
  let current: ReleaseCursor | undefined = cursor;
  await releasePages(
    deps,
    options,
    summary,
    (limit) =>
      deps.orders.findDue(now, limit, {
        ...(current?.checked ? { after: current.checked } : {}),
        upTo: behind,
      }),
    async (batch) => {
      const { passed, stopped } = upToFailure(batch, await recoverBatch(deps, batch, summary));
      const last = passed.at(-1);
      if (!last || !current) return false;
      current = await deps.orders.moveReleaseCursor({ ...current, checked: positionOf(last) }, current);
      return current !== undefined && !stopped;
    },
  );
  // Another sweep moved the cursor first: the release goes on from where that one left it.
  return current ?? (await deps.orders.getReleaseCursor());
}

/**
 * Writes a held order Processed, listing its notification; false when another worker moved it first. A report
 * that finished the notification meanwhile completed it as a held order (its feed entry alone), unless it read
 * the order after this write: the notification read after the write tells, and the order is completed here.
 */
async function watchHeld(deps: SweepDeps, order: OrderDocument, holder: NotificationDocument) {
  const sweepAt = new Date(Date.parse(holder.expiry) + expiryGraceSeconds * 1000).toISOString();
  let watched: OrderDocument;
  try {
    watched = await transitionOrder(deps, order, "Processed", { notificationIds: [holder.id], sweepAt });
  } catch (error) {
    if (isAppError(error, "conflict")) return false;
    throw error;
  }
  const now = await deps.notifications.get(order.id, holder.id);
  if (now && !isPendingNotification(now))
    await completeOrder(deps, watched, { sweepAt: undefined }, "always").catch((error: unknown) => {
      // The report's own completion got there first.
      if (!isAppError(error, "conflict")) throw error;
    });
  return true;
}

/**
 * Releases due orders after the release cursor: a small one without a claim (`releasesWithoutClaim`), any
 * other claimed, and the cursor moved past them, so the next sweep does not release them again (but for those
 * due in the last `releaseSettleMs`, read again while still Registered). An order whose claim failed (a store
 * error) stops the cursor before it, and this run's releases there: it is due still, and the next run takes
 * it. First, orders still Registered behind where the cursor stood a lease ago: released without a claim and
 * never processed (the message was lost), they are claimed now.
 */
async function releaseDue(deps: SweepDeps, options: SweepOptions, summary: SweepSummary): Promise<void> {
  const now = deps.clock.now();
  let cursor = await deps.orders.getReleaseCursor();
  const behind = cursor && positionAt(cursor, new Date(now.getTime() - releaseLeaseMs));
  if (cursor && behind) cursor = await checkReleased(deps, options, summary, cursor, behind);
  // This run reads on from what it released; the stored cursor stays `releaseSettleMs` behind (nextPosition).
  let after = cursor?.position;
  const settledUpTo = new Date(now.getTime() - releaseSettleMs);
  await releasePages(
    deps,
    options,
    summary,
    (limit) => deps.orders.findDue(now, limit, after ? { after } : {}),
    async (batch) => {
      const withoutClaim = new Set<OrderDocument>();
      for (const order of batch) if (await releasesWithoutClaim(deps, order)) withoutClaim.add(order);
      const { claimed, failed } = await claimBatch(
        deps,
        batch.filter((o) => !withoutClaim.has(o)),
        summary,
      );
      const { passed, stopped } = upToFailure(batch, new Set(failed.map((f) => f.orderId)));
      const released = passed.filter((o) => withoutClaim.has(o) && !deps.recentReleases?.has(o.id, now));
      await publishReleases(deps.publisher, released);
      deps.recentReleases?.remember(
        released.map((o) => o.id),
        now,
      );
      summary.released += claimed.length + released.length;
      const last = passed.at(-1);
      if (!last) return false;
      after = positionOf(last);
      const to = nextPosition(cursor?.position, after, settledUpTo);
      if (cursor && to === cursor.position) return !stopped;
      cursor = await deps.orders.moveReleaseCursor(movedCursor(cursor, to, now, releaseLeaseMs), cursor);
      return cursor !== undefined && !stopped;
    },
  );
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
    watched: 0,
    resent: 0,
    completed: 0,
    quarantined: [],
    failed: [],
  };
  await releaseDue(deps, options, summary);
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
