/**
 * kill -9 of `npm start` in the middle of sending 1,000 orders loses nothing and sends nothing twice.
 *
 * The service runs as a child process (`node dist/shared/local/start.js`) on a temporary data folder. It
 * accepts 1,000 orders over HTTP (plain emails, plain SMS, a few persons of the sample register; each order
 * its own recipient), all for one send time; the local clock is then moved to that time, the sweeper releases
 * them, and the process is killed with SIGKILL once the outbox holds a few hundred messages. It is started
 * again on the same folder at the same instant and the local clock is moved past the recovery thresholds
 * (shared/domain/recoveryTimes.ts). Messages sent before the kill whose delivery report died with the process
 * (the local broker keeps no messages) wait for a report that never comes; once only those are left the clock
 * moves past their expiry and the terminate job ends them Failed_TTL. Then every order must be
 * Order_Completed, with Order_Completed once in the status feed, every email captured exactly once and every
 * SMS once — a second SMS only where the documented window explains it (the gateway captured it, the store
 * still had it Sending when the process died). The second run also replays every request after the restart,
 * as a client whose connections dropped would: replays answer the original receipt and send nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  awaitingReport,
  capturesByRecipient,
  countCaptures,
  crashOrders,
  forEachConcurrently,
  getShipment,
  notYetSent,
  readCaptures,
  readFeed,
  sleep,
  type CrashOrder,
  type Receipt,
  type Shipment,
} from "../support/crashLoad";
import { apiClient, localToken, type ApiClient } from "../support/localService";
import { startServiceProcess, type ServiceProcess } from "../support/serviceProcess";

const tenant = "991825827";
const orderCount = 1_000;
/** Requests in flight at once, as a handful of client threads would send. */
const clientConcurrency = 6;
/** Reads in flight at once when the test checks every order. */
const readConcurrency = 12;
const minute = 60_000;
/** The send time lies this far after the frozen start, so nothing is due while the orders come in. */
const sendDelayMs = 10 * minute;
/** Past every recovery threshold: release lease 10 min, lost send 5 min, abandoned send 2 min, feed 1 min. */
const pastThresholdsMs = 15 * minute;
/** Past a notification's expiry (48 h after its send time) and the terminate job's 5-minute grace. */
const pastExpiryMs = 48 * 60 * minute + 10 * minute;
/** When nothing moves for this long, the test looks at what the unfinished orders wait for. */
const idleMs = 3_000;
/**
 * Bounds on each phase and run (real time). A run takes about a minute on a quiet two-core machine; the bounds
 * leave room for one that other test runs keep busy (everything then takes two to three times as long).
 */
const killBoundMs = 90_000;
const recoveryBoundMs = 150_000;
const testTimeoutMs = 300_000;

interface Figures {
  accepted: number;
  mix: Record<string, number>;
  intakeSeconds: number;
  /** Requests answered 503 and retried with the same idempotencyId (intake and replays). */
  retried: number;
  /** The services' reasons for those 503s (distinct log lines). */
  unavailable: string[];
  capturedBeforeKill: number;
  /** Orders by their last status in the feed right after the restart (Registered: none yet). */
  atRestart: Record<string, number>;
  capturedAfterRecovery: number;
  smsWindowDuplicates: number;
  /** Messages sent before the kill whose delivery report died with the process: ended Failed_TTL. */
  reportLost: number;
  replays: number;
  clockMoves: string[];
  /** From the kill until the restarted service was ready. */
  restartSeconds: number;
  /** From the kill until every order was completed. */
  recoverSeconds: number;
}

interface Outcome {
  figures: Figures;
  /** Broken guarantees, one line each; the test expects none. */
  problems: string[];
}

const processes: ServiceProcess[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  for (const service of processes.splice(0)) await service.stop("SIGKILL");
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setClock(api: ApiClient, at: number): Promise<void> {
  const response = await api.request("PUT", "/local/clock", { at: new Date(at).toISOString() });
  if (response.status !== 200) throw new Error(`PUT local/clock: ${response.status} ${response.text}`);
}

const secondsSince = (startMs: number) => Number(((performance.now() - startMs) / 1000).toFixed(1));

function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const keyOf = (order: CrashOrder) => `${order.channel}:${order.recipient}`;

/** Client retries of requests answered 503 ("Retry the request"), with the same idempotencyId. */
interface Retries {
  count: number;
}

/** Posts an order; a 503 is retried a few times, as a client does, and counted. */
async function post(api: ApiClient, order: CrashOrder, retries: Retries) {
  for (let attempt = 1; ; attempt += 1) {
    const response = await api.request("POST", "/future/orders", order.body);
    if (response.status !== 503 || attempt === 5) return { ...response, attempt };
    retries.count += 1;
    await sleep(100 * attempt);
  }
}

/**
 * Sends every order once and returns the receipts, in order: 201, or 200 when a retry after a 503 finds the
 * order stored by the attempt that failed. Any other answer fails the run, with the end of the service's log.
 */
async function intake(
  api: ApiClient,
  orders: CrashOrder[],
  service: ServiceProcess,
  retries: Retries,
): Promise<Receipt[]> {
  const receipts: Receipt[] = [];
  await forEachConcurrently(orders, clientConcurrency, async (order, index) => {
    const response = await post(api, order, retries);
    if (response.status !== 201 && !(response.attempt > 1 && response.status === 200)) {
      const log = service.output().slice(-4_000);
      throw new Error(`order ${order.idempotencyId}: ${response.status} ${response.text}\n${log}`);
    }
    receipts[index] = response.body as Receipt;
  });
  return receipts;
}

/** Sends every order again; each must get 200 and its original receipt. Returns the problems. */
async function replayAll(
  api: ApiClient,
  orders: CrashOrder[],
  receipts: Receipt[],
  retries: Retries,
): Promise<string[]> {
  const problems: string[] = [];
  await forEachConcurrently(orders, clientConcurrency, async (order, index) => {
    const response = await post(api, order, retries);
    const same = JSON.stringify(response.body) === JSON.stringify(receipts[index]);
    if (response.status !== 200 || !same) {
      problems.push(`replay of ${order.idempotencyId}: ${response.status} ${response.text}`);
    }
  });
  return problems;
}

/** The shipments of the given orders, read a few at a time. */
async function shipments(api: ApiClient, ids: string[]): Promise<Map<string, Shipment>> {
  const read = new Map<string, Shipment>();
  await forEachConcurrently(ids, readConcurrency, async (id) => {
    read.set(id, await getShipment(api, id));
  });
  return read;
}

/** Waits only for a delivery report: processed, nothing left to send, at least one message with the provider. */
function onlyWaitsForReport(shipment: Shipment): boolean {
  return (
    shipment.status === "Order_Processed" &&
    shipment.recipients.some((r) => awaitingReport.has(r.status)) &&
    !shipment.recipients.some((r) => notYetSent.has(r.status))
  );
}

/**
 * Moves the clock past the recovery thresholds and waits until every order is completed (read from the
 * status feed). Once only the orders in `reportLost` are open, the clock moves past their expiry. If nothing
 * moves for a while with other orders open, it looks at them: if they too only wait for a report, the clock
 * first moves a minute (the service's retries of early reports) and then past the expiry; otherwise a few
 * minutes more go by (a retry after Retry-After, say).
 */
async function recover(
  api: ApiClient,
  shipmentIds: string[],
  reportLost: Set<string>,
  sendAt: number,
  outboxPath: string,
): Promise<{ completed: Set<string>; clockMoves: string[]; unfinished?: string }> {
  const completed = new Set<string>();
  const clockMoves = ["+15 min"];
  let now = sendAt + pastThresholdsMs;
  await setClock(api, now);
  let cursor = 0;
  let captures = countCaptures(outboxPath);
  let lastMove = performance.now();
  let pastExpiry = false;
  let reportRetriesDue = false;
  const moveClock = async (to: number, label: string) => {
    now = to;
    await setClock(api, now);
    clockMoves.push(label);
    lastMove = performance.now();
  };
  const deadline = performance.now() + recoveryBoundMs;
  while (completed.size < shipmentIds.length) {
    if (performance.now() > deadline) {
      const open = shipmentIds.filter((id) => !completed.has(id));
      const examples = [...(await shipments(api, open.slice(0, 5))).values()];
      return { completed, clockMoves, unfinished: `${open.length} open, e.g. ${JSON.stringify(examples)}` };
    }
    const entries = await readFeed(api, cursor);
    for (const entry of entries) if (entry.status === "Order_Completed") completed.add(entry.shipmentId);
    cursor = entries.at(-1)?.sequenceNumber ?? cursor;
    const capturesNow = countCaptures(outboxPath);
    if (entries.length > 0 || capturesNow !== captures) lastMove = performance.now();
    captures = capturesNow;
    const open = shipmentIds.filter((id) => !completed.has(id));
    if (!pastExpiry && open.every((id) => reportLost.has(id))) {
      await moveClock(sendAt + pastExpiryMs, "+48 h 10 min");
      pastExpiry = true;
    } else if (!pastExpiry && performance.now() - lastMove > idleMs) {
      const stuck = [...(await shipments(api, open)).values()].filter(
        (s) => s.status !== "Order_Completed" && !onlyWaitsForReport(s),
      );
      if (stuck.length === 0 && !reportRetriesDue) {
        // A report that came before its send was recorded is retried 5 s to 30 s later by the service's
        // clock, which stands still here: it comes only once the clock moves.
        await moveClock(now + minute, "+1 min (report retries)");
        reportRetriesDue = true;
      } else if (stuck.length === 0) {
        await moveClock(sendAt + pastExpiryMs, "+48 h 10 min (idle)");
        pastExpiry = true;
      } else await moveClock(now + 3 * minute, "+3 min");
    }
    await sleep(500);
  }
  return { completed, clockMoves };
}

interface RunOptions {
  /** The kill comes once the outbox holds this many messages (a few hundred, well short of all). */
  killAtCaptures: number;
  /** Replay every request after the restart, as a client whose connections dropped would. */
  replay: boolean;
}

async function killAndRestart(runId: string, options: RunOptions): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), "varsel-crash-"));
  dataDirs.push(dataDir);
  const outboxPath = join(dataDir, "outbox.ndjson");
  const token = await localToken(tenant);
  const problems: string[] = [];

  // First life: accept every order, release them all at once, kill the process while it sends.
  const first = await startServiceProcess(dataDir);
  processes.push(first);
  const firstApi = apiClient(first.apiUrl, token);
  const startAt = Math.ceil(Date.now() / 1000) * 1000;
  await setClock(firstApi, startAt);
  const sendAt = startAt + sendDelayMs;
  const orders = crashOrders(runId, orderCount, new Date(sendAt).toISOString());
  const intakeStarted = performance.now();
  const retries: Retries = { count: 0 };
  const receipts = await intake(firstApi, orders, first, retries);
  const intakeSeconds = secondsSince(intakeStarted);
  const shipmentIds = receipts.map((r) => r.notification.shipmentId);
  await setClock(firstApi, sendAt);
  const killDeadline = performance.now() + killBoundMs;
  while (countCaptures(outboxPath) < options.killAtCaptures) {
    if (performance.now() > killDeadline) {
      throw new Error(
        `only ${countCaptures(outboxPath)} messages sent in ${killBoundMs} ms:\n${first.output()}`,
      );
    }
    await sleep(20);
  }
  expect((await first.stop("SIGKILL")).signal).toBe("SIGKILL");
  const killed = performance.now();
  const beforeKill = readCaptures(outboxPath);
  expect(beforeKill.length, "the kill came after every message was sent").toBeLessThan(orderCount);

  // Second life: the same folder, the clock where the first one stopped.
  const second = await startServiceProcess(dataDir, {
    LOCAL_CLOCK_FIXED: new Date(sendAt).toISOString(),
    // The terminate job's local default is every 30 s; a shorter one only saves waiting for it.
    TERMINATE_SCHEDULE: "*/2 * * * * *",
  });
  processes.push(second);
  const restartSeconds = secondsSince(killed);
  const api = apiClient(second.apiUrl, token);

  // Where each order stood, by the feed; and, for each message captured before the kill, what the store held.
  const lastStatus = new Map<string, string>();
  for (const entry of await readFeed(api, 0)) lastStatus.set(entry.shipmentId, entry.status);
  const atRestart = tally(shipmentIds.map((id) => lastStatus.get(id) ?? "Order_Registered"));
  const capturedBefore = capturesByRecipient(beforeKill);
  const sentBefore = orders.flatMap((o, i) => (capturedBefore.has(keyOf(o)) ? [shipmentIds[i]!] : []));
  const heldAtRestart = await shipments(api, sentBefore);
  /** SMS the gateway captured while the store still had them Sending: the documented window. */
  const inWindow = new Set<string>();
  /** Sent, and their delivery report died with the process (or will never come: email resent under its id). */
  const reportLost = new Set<string>();
  for (const [id, shipment] of heldAtRestart) {
    const statuses = shipment.recipients.map((r) => r.status);
    if (statuses.includes("SMS_Sending")) inWindow.add(id);
    if (statuses.some((s) => awaitingReport.has(s) || s === "Email_Sending")) reportLost.add(id);
  }

  const replayed = options.replay ? replayAll(api, orders, receipts, retries) : Promise.resolve([]);
  const { completed, clockMoves, unfinished } = await recover(
    api,
    shipmentIds,
    reportLost,
    sendAt,
    outboxPath,
  );
  const recoverSeconds = secondsSince(killed);
  problems.push(...(await replayed));
  if (unfinished) problems.push(`recovery did not finish in ${recoveryBoundMs / 1000} s: ${unfinished}`);

  // Every order final, as a client reads it.
  const finals = await shipments(api, shipmentIds);
  let reportLostEnded = 0;
  orders.forEach((order, index) => {
    const id = shipmentIds[index]!;
    const shipment = finals.get(id)!;
    if (shipment.status !== "Order_Completed") {
      problems.push(`${order.idempotencyId} ended ${JSON.stringify(shipment)}`);
    }
    if (shipment.recipients.some((r) => r.status.endsWith("_Failed_TTL"))) {
      if (reportLost.has(id)) reportLostEnded += 1;
      else problems.push(`${order.idempotencyId} ended Failed_TTL, but its report was not lost in the kill`);
    }
  });

  // Order_Completed exactly once per order in the feed, and the feed numbered without gaps.
  const feed = await readFeed(api, 0);
  feed.forEach((entry, index) => {
    if (entry.sequenceNumber !== index + 1) {
      problems.push(`feed entry ${index + 1} has sequence number ${entry.sequenceNumber}`);
    }
  });
  const completions = tally(feed.filter((e) => e.status === "Order_Completed").map((e) => e.shipmentId));
  orders.forEach((order, index) => {
    const times = completions[shipmentIds[index]!] ?? 0;
    if (times !== 1) problems.push(`${order.idempotencyId}: Order_Completed ${times} times in the feed`);
  });
  if (completed.size !== orderCount) problems.push(`${completed.size} orders completed in the feed`);

  // Every message captured: email exactly once, SMS once or, in the window, twice; nothing else.
  const outbox = await api.request("GET", "/local/outbox");
  const captured = outbox.body as Array<{ channel: "email" | "sms"; to: string }>;
  const counts = capturesByRecipient(captured);
  let smsWindowDuplicates = 0;
  orders.forEach((order, index) => {
    const id = shipmentIds[index]!;
    const times = counts.get(keyOf(order)) ?? 0;
    if (times === 1) return;
    if (order.channel === "sms" && times === 2 && inWindow.has(id)) {
      smsWindowDuplicates += 1;
      return;
    }
    problems.push(
      `${order.idempotencyId} (${order.kind}): ${order.channel} captured ${times} times, ` +
        `${capturedBefore.get(keyOf(order)) ?? 0} before the kill; at restart ` +
        `${JSON.stringify(heldAtRestart.get(id) ?? lastStatus.get(id))}; now ${JSON.stringify(finals.get(id))}`,
    );
  });
  const ordered = new Set(orders.map(keyOf));
  for (const key of counts.keys()) if (!ordered.has(key)) problems.push(`a message nobody ordered: ${key}`);

  return {
    problems,
    figures: {
      accepted: receipts.length,
      mix: tally(orders.map((o) => o.kind)),
      intakeSeconds,
      retried: retries.count,
      unavailable: [
        ...new Set(
          [first, second]
            .flatMap((service) => service.output().split("\n"))
            .filter((line) => line.includes("request failed (transient)")),
        ),
      ],
      capturedBeforeKill: beforeKill.length,
      atRestart,
      capturedAfterRecovery: captured.length,
      smsWindowDuplicates,
      reportLost: reportLostEnded,
      replays: options.replay ? orders.length : 0,
      clockMoves,
      restartSeconds,
      recoverSeconds,
    },
  };
}

function figureLine(f: Figures): string {
  const mix = `${f.mix["email"] ?? 0} email, ${f.mix["sms"] ?? 0} SMS, ${f.mix["person"] ?? 0} persons`;
  const atRestart = Object.entries(f.atRestart)
    .map(([status, n]) => `${n} ${status.replace("Order_", "")}`)
    .join(", ");
  const retried =
    f.retried > 0 ? `; ${f.retried} requests retried after a 503 (${f.unavailable.join(" | ")})` : "";
  return (
    `kill -9: ${f.accepted} orders accepted (${mix}) in ${f.intakeSeconds} s; ${f.capturedBeforeKill} messages ` +
    `in the outbox at the kill (orders by the feed: ${atRestart}); ${f.capturedAfterRecovery} after recovery, ` +
    `${f.smsWindowDuplicates} SMS window duplicate(s); ${f.reportLost} sent before the kill ended Failed_TTL ` +
    `(report lost with the process); ${f.replays} replays; ready ${f.restartSeconds} s after the kill, all ` +
    `completed ${f.recoverSeconds} s after it (clock ${f.clockMoves.join(", ")})${retried}`
  );
}

describe("kill -9 of the local service while it sends", () => {
  it(
    "completes every accepted order, emails exactly once, SMS only in the documented window",
    async () => {
      const { figures, problems } = await killAndRestart(`a${Date.now()}`, {
        killAtCaptures: 300,
        replay: false,
      });
      console.log(figureLine(figures));
      expect(problems).toEqual([]);
      expect(figures.capturedAfterRecovery).toBe(orderCount + figures.smsWindowDuplicates);
    },
    testTimeoutMs,
  );

  it(
    "sends nothing twice when the client replays every request after the restart",
    async () => {
      const { figures, problems } = await killAndRestart(`b${Date.now()}`, {
        killAtCaptures: 500,
        replay: true,
      });
      console.log(figureLine(figures));
      expect(problems).toEqual([]);
      expect(figures.capturedAfterRecovery).toBe(orderCount + figures.smsWindowDuplicates);
    },
    testTimeoutMs,
  );
});
