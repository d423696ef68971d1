import type { LocalService } from "../../../shared/local/localService";
import { startConditionEndpoint, type ConditionEndpoint } from "../conditionEndpoint";
import { apiClient, localToken, startCompiledService } from "../localService";
import { FaultInjector, type Fault, type FaultPoint, type FaultResult } from "./faultInjector";
import { RequestFailed, retryingClient, type OrderKind, type Submitted } from "./orderKinds";

const minute = 60_000;
const day = 24 * 60 * minute;
/** Notifications live 48 h after their send time; the terminate job waits 5 min more. */
const expiryAndGraceMs = 48 * 60 * minute + 5 * minute;
/**
 * The timers tick on whole minutes and a request comes at any second, so the first tick after an interval
 * lands a little past it: each jump overshoots its round interval by this much, as real time would. (Landing
 * exactly on a recovery threshold would test a boundary real timers never hit.)
 */
const tickPhaseMs = 7_000;
/**
 * How time moves after the fault, in steps, each followed by the timers and a settle: every minute at first,
 * as the sweeper's timer runs (an instant SMS may live only a few minutes), then in longer strides.
 */
const jumpsMs = [1, 1, 1, 1, 1, 1, 1, 1, 2, 10, 30].map((m) => m * minute + tickPhaseMs);
const pendingRecipientStatus = /_(New|Sending|Succeeded|Accepted)$/;
const lifecycleRank: Record<string, number> = {
  Order_Processing: 1,
  Order_Processed: 2,
  Order_Completed: 3,
  Order_SendConditionNotMet: 3,
  Order_Cancelled: 3,
};

export interface RunOutcome {
  /** Broken guarantees; empty when the run is clean. */
  problems: string[];
  /** Extra SMS sent where a duplicate is documented (crash after the SMS provider call, provider timeout). */
  smsInWindow: number;
  /**
   * Messages the provider got whose notification still ended Failed_TTL (its delivery report was lost or
   * could not be matched): not a broken guarantee here, but a status that tells the service owner less.
   */
  sentButExpired: number;
  /** Fault points hit, in first-hit order. */
  points: FaultPoint[];
  /** Warnings and errors the host logged during the run (the last ones), for diagnosis. */
  log: string[];
}

/** A valid-looking (mod-11) organisation number for each run, so every run has its own tenant and feed. */
export function tenantFor(run: number): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  for (let candidate = 80_000_000 + run * 7; ; candidate += 1) {
    const digits = String(candidate).split("").map(Number);
    const rest = digits.reduce((sum, d, i) => sum + d * weights[i]!, 0) % 11;
    const check = rest === 0 ? 0 : 11 - rest;
    if (check !== 10) return `${candidate}${check}`;
  }
}

interface Shipment {
  status: string;
  recipients: Array<{ type: string; destination: string; status: string }>;
}

interface FeedEntry {
  sequenceNumber: number;
  shipmentId: string;
  status: string;
}

/**
 * One compiled service (embedded Cosmos, local broker, fake providers) with a frozen clock, the fault
 * injector installed over its ports and a send-condition endpoint. Runs are sequential; each one has its own
 * tenant, starts on a fresh day and ends after every notification of it has expired.
 */
export class FaultHarness {
  private run = 0;
  private captured: string[] = [];

  private constructor(
    readonly service: LocalService,
    readonly injector: FaultInjector,
    private readonly condition: ConditionEndpoint,
  ) {}

  static async start(): Promise<FaultHarness> {
    // An email's report comes a second after its send (on the frozen clock: at the next step of time).
    // Every transition in the feed, so the checks see each one recorded exactly once whatever fails.
    process.env["STATUS_FEED_TRANSITIONS"] = "all";
    const service = await startCompiledService({ emailReportDelayMs: 1000 }).finally(
      () => delete process.env["STATUS_FEED_TRANSITIONS"],
    );
    service.clock.freeze("2026-11-23T09:00:00.000Z");
    const injector = new FaultInjector();
    injector.install(service);
    const condition = await startConditionEndpoint();
    return new FaultHarness(service, injector, condition);
  }

  async close(): Promise<void> {
    await this.service.close();
    await this.condition.close();
  }

  /** A fault-free run of the kind that records the fault points it hits. */
  discover(kind: OrderKind): Promise<RunOutcome> {
    const stop = this.injector.discover();
    return this.execute(kind, () => ({ fired: true, firedIn: [], smsWindow: false, seen: stop() }));
  }

  /** A run of the kind with faults armed, each for its point's first hit after the one before it fired. */
  async inject(kind: OrderKind, ...faults: Fault[]): Promise<RunOutcome> {
    const disarm = this.injector.arm(...faults);
    let fired = false;
    const outcome = await this.execute(kind, () => {
      const result = disarm();
      fired = result.fired;
      return result;
    });
    if (!fired) outcome.problems.unshift("a fault point was never hit");
    return outcome;
  }

  private async execute(kind: OrderKind, disarm: () => FaultResult): Promise<RunOutcome> {
    this.run += 1;
    const run = this.run;
    const tag = `r${run}`;
    const problems: string[] = [];
    this.captured = [];
    const restore = this.captureLogs();
    let result: FaultResult | undefined;
    const finish = () => (result ??= disarm());
    let smsInWindow = 0;
    let sentButExpired = 0;
    try {
      const start = this.startOfNextDay();
      const api = apiClient(this.service.host.apiUrl, await localToken(tenantFor(run)));
      const client = retryingClient(api);
      let submitted: Submitted | undefined;
      try {
        submitted = await kind.submit({
          client,
          tag,
          runNumber: run,
          now: new Date(start),
          conditionUrl: this.condition.url,
        });
      } catch (error) {
        if (!(error instanceof RequestFailed)) throw error;
        problems.push(`the request was not accepted: ${error.message}`);
      }
      await this.driveToRest(start, submitted?.lastSendAfterMs ?? 0);
      const { smsWindow } = finish();
      if (submitted) {
        const expired = await this.checkShipments(api, submitted, problems);
        smsInWindow = this.checkOutbox(tag, submitted, smsWindow, problems);
        const sentTo = new Set(this.outboxOf(tag).map((m) => m.to));
        sentButExpired = expired.filter((destination) => sentTo.has(destination)).length;
        await this.checkFeed(api, submitted, problems);
      }
    } finally {
      finish();
      restore();
    }
    return { problems, smsInWindow, sentButExpired, points: finish().seen, log: this.captured.slice(-12) };
  }

  /** Freezes the clock at 09:00 UTC of the day after the current time: each run starts on a fresh day. */
  private startOfNextDay(): number {
    const now = this.service.clock.now().getTime();
    const start = Math.floor(now / day) * day + day + 9 * 60 * minute;
    this.service.clock.freeze(new Date(start));
    return start;
  }

  /** Settles, then moves time in jumps past every expiry, running the timers and settling after each. */
  private async driveToRest(start: number, lastSendAfterMs: number): Promise<void> {
    const clock = this.service.clock;
    await this.tick();
    for (const jump of jumpsMs) {
      clock.advance(jump);
      await this.tick();
    }
    if (lastSendAfterMs > 0) {
      clock.freeze(new Date(start + lastSendAfterMs));
      await this.tick();
      for (const jump of jumpsMs) {
        clock.advance(jump);
        await this.tick();
      }
    }
    clock.freeze(new Date(start + lastSendAfterMs + expiryAndGraceMs + minute));
    await this.tick();
    for (const jump of [2 * minute + tickPhaseMs, 6 * minute + tickPhaseMs]) {
      clock.advance(jump);
      await this.tick();
    }
  }

  private async tick(): Promise<void> {
    await this.service.settle();
    for (const timer of ["sweepOrders", "terminateExpired"]) {
      try {
        await this.service.host.runTimer(timer);
      } catch {
        // The run failed (the fault, or what followed from it); the host logged it and the next tick retries.
      }
      await this.service.settle();
    }
  }

  /** Every shipment final, with no recipient pending; returns the destinations that ended Failed_TTL. */
  private async checkShipments(
    api: ReturnType<typeof apiClient>,
    submitted: Submitted,
    problems: string[],
  ): Promise<string[]> {
    const expired: string[] = [];
    for (const [index, expected] of submitted.shipments.entries()) {
      const what = index === 0 ? "the shipment" : `reminder ${index}`;
      const response = await api.request("GET", `/future/shipment/${expected.id}`);
      if (response.status !== 200) {
        problems.push(`${what} reads as ${response.status}: ${response.text}`);
        continue;
      }
      const shipment = response.body as Shipment;
      if (shipment.status !== expected.final)
        problems.push(`${what} ended ${shipment.status}, expected ${expected.final}`);
      const pending = shipment.recipients.filter((r) => pendingRecipientStatus.test(r.status));
      if (pending.length > 0)
        problems.push(
          `${what} has recipients without a final status after expiry: ${pending.map((r) => r.status).join(", ")}`,
        );
      for (const r of shipment.recipients) if (r.status.endsWith("_Failed_TTL")) expired.push(r.destination);
    }
    return expired;
  }

  /** The messages of the run the providers captured (the run's tag is in every subject and SMS body). */
  private outboxOf(tag: string) {
    const marker = `[${tag}]`;
    return this.service.outbox
      .list()
      .filter((m) => (m.channel === "email" ? (m.subject ?? "") : m.body).includes(marker));
  }

  /** Email exactly once; SMS once, more only in the documented window; nothing the run did not order. */
  private checkOutbox(tag: string, submitted: Submitted, smsWindow: boolean, problems: string[]): number {
    const counts = new Map<string, number>();
    for (const message of this.outboxOf(tag)) {
      const text = message.channel === "email" ? (message.subject ?? "") : message.body;
      const key = `${message.channel}:${message.to}|${text}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = new Set([
      ...submitted.emails.map((e) => `email:${e}`),
      ...submitted.sms.map((s) => `sms:${s}`),
    ]);
    for (const [key, count] of counts) {
      if (!expected.has(key)) problems.push(`the provider got a message nobody ordered: ${key} (${count}×)`);
    }
    let inWindow = 0;
    for (const key of expected) {
      const count = counts.get(key) ?? 0;
      if (count === 0) problems.push(`never handed to the provider (lost): ${key}`);
      else if (count > 1 && key.startsWith("sms:") && smsWindow) inWindow += count - 1;
      else if (count > 1) problems.push(`handed to the provider ${count} times: ${key}`);
    }
    return inWindow;
  }

  /** Each transition of each shipment once, in lifecycle order, with gap-free sequence numbers. */
  private async checkFeed(api: ReturnType<typeof apiClient>, submitted: Submitted, problems: string[]) {
    const response = await api.request("GET", "/future/shipment/feed?seq=0&pageSize=500&allTransitions=true");
    if (response.status !== 200) {
      problems.push(`the feed reads as ${response.status}: ${response.text}`);
      return;
    }
    const entries = response.body as FeedEntry[];
    const numbers = entries.map((e) => e.sequenceNumber);
    if (numbers.some((n, i) => n !== i + 1))
      problems.push(`feed sequence numbers are not 1..n: ${numbers.join(",")}`);
    const ids = new Set(submitted.shipments.map((s) => s.id));
    for (const entry of entries.filter((e) => !ids.has(e.shipmentId)))
      problems.push(`feed entry for a shipment the run does not know: ${entry.shipmentId} ${entry.status}`);
    for (const [index, shipment] of submitted.shipments.entries()) {
      const what = index === 0 ? "the shipment" : `reminder ${index}`;
      const statuses = entries.filter((e) => e.shipmentId === shipment.id).map((e) => e.status);
      const required = shipment.lifecycle.filter((s) => !(shipment.optional ?? []).includes(s));
      const ordered = statuses.every(
        (s, i) => i === 0 || (lifecycleRank[s] ?? 0) > (lifecycleRank[statuses[i - 1]!] ?? 0),
      );
      const complete =
        required.every((s) => statuses.includes(s)) && statuses.every((s) => shipment.lifecycle.includes(s));
      if (!ordered || !complete || new Set(statuses).size !== statuses.length)
        problems.push(
          `${what}'s feed entries are [${statuses.join(", ")}], expected [${shipment.lifecycle.join(", ")}]${shipment.optional ? ` (optional: ${shipment.optional.join(", ")})` : ""}`,
        );
    }
  }

  /** Keeps the host's log lines of the run (warnings and errors) for the failure message, off the console. */
  private captureLogs(): () => void {
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const keep = (chunk: unknown) => {
      for (const line of String(chunk).split("\n"))
        if (/\[(warning|error)\]/.test(line))
          this.captured.push(line.replace(/^\S+ /, "").split("\\n")[0]!.slice(0, 300));
      return true;
    };
    process.stdout.write = keep;
    process.stderr.write = keep;
    return () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };
  }
}
