import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultHarness, type RunOutcome } from "../support/faults/faultHarness";
import { scenariosFor, type Fault, type FaultPoint, type Scenario } from "../support/faults/faultInjector";
import { orderKinds } from "../support/faults/orderKinds";

/**
 * "Nothing accepted is ever lost, stuck or reported twice", proved by fault injection against the compiled
 * service (real handlers, embedded Cosmos, local broker, fake providers, frozen clock).
 *
 * For each order kind a fault-free dry run finds the fault points: every store write, publish and provider
 * call its handlers make, named by call site. Every scenario that fits a point is then injected at the
 * point's first hit, and the pipeline is driven to rest the way time would (timers, jumps past expiry).
 * Points that only recovery reaches (the sweeper re-driving a lost send, the terminate job, dead reports)
 * get a second pass: the first fault that reached one is injected again, then each scenario at that point.
 *
 * Every run must end with every shipment final, every email handed to the provider exactly once, every SMS
 * once (a second one only in the documented window: the invocation died after the SMS provider accepted,
 * or the provider timed out after accepting), and the tenant's feed holding each transition of each shipment
 * once, in lifecycle order, with gap-free sequence numbers. Failures name kind, fault point and scenario.
 */
describe("fault injection over the compiled service", () => {
  let harness: FaultHarness;
  const started = Date.now();
  const totals = { points: 0, recoveryPoints: 0, runs: 0, smsInWindow: 0, sentButExpired: 0, failing: 0 };
  const sites = new Set<string>();
  const recoverySites = new Set<string>();
  const usedScenarios = new Set<Scenario>();

  beforeAll(async () => {
    harness = await FaultHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
    console.log(
      `fault injection: ${orderKinds.length} order kinds; ${totals.points} fault points (${sites.size} ` +
        `distinct) + ${totals.recoveryPoints} reached only in recovery (${recoverySites.size} distinct); ` +
        `${usedScenarios.size} scenarios; ${totals.runs} runs (+${orderKinds.length} dry runs) in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s; ${totals.smsInWindow} SMS duplicate(s) in the ` +
        `documented window; ${totals.sentButExpired} sent message(s) recorded Failed_TTL (report lost or ` +
        `unmatched); ${totals.failing} failing combination(s)`,
    );
  });

  /** Runs one combination; a run that throws is a failure of that combination, and the matrix goes on. */
  async function attempt(label: string, run: () => Promise<RunOutcome>, failures: string[]) {
    try {
      const outcome = await run();
      record(label, outcome, failures);
      return outcome;
    } catch (error) {
      totals.runs += 1;
      totals.failing += 1;
      failures.push(`${label}: the run threw ${(error as Error).stack ?? String(error)}`);
      return undefined;
    }
  }

  function record(label: string, outcome: RunOutcome, failures: string[]): void {
    totals.runs += 1;
    totals.smsInWindow += outcome.smsInWindow;
    totals.sentButExpired += outcome.sentButExpired;
    if (outcome.problems.length === 0) return;
    totals.failing += 1;
    const log = outcome.log.length > 0 ? ` [host log: ${outcome.log.slice(-2).join(" | ")}]` : "";
    failures.push(`${label}: ${outcome.problems.join("; ")}${log}`);
  }

  for (const kind of orderKinds) {
    it(`keeps every ${kind.name} order whatever fails`, async () => {
      const failures: string[] = [];
      const dry = await harness.discover(kind);
      if (dry.problems.length > 0)
        failures.push(`${kind.name} × (no fault) × dry run: ${dry.problems.join("; ")}`);
      const known = new Set(dry.points.map((p) => p.name));
      /** Each point reached only in recovery, with the first fault that reached it (a clean run preferred). */
      const recovery = new Map<string, { point: FaultPoint; via: Fault; clean: boolean }>();

      for (const point of dry.points) {
        totals.points += 1;
        sites.add(point.name);
        for (const scenario of scenariosFor(point.type)) {
          usedScenarios.add(scenario);
          const fault = { point: point.name, scenario };
          const label = `${kind.name} × ${point.name} × ${scenario}`;
          const outcome = await attempt(label, () => harness.inject(kind, fault), failures);
          if (!outcome) continue;
          const clean = outcome.problems.length === 0;
          for (const seen of outcome.points) {
            if (known.has(seen.name)) continue;
            const earlier = recovery.get(seen.name);
            if (!earlier || (clean && !earlier.clean))
              recovery.set(seen.name, { point: seen, via: fault, clean });
          }
        }
      }

      for (const { point, via } of recovery.values()) {
        totals.recoveryPoints += 1;
        recoverySites.add(point.name);
        for (const scenario of scenariosFor(point.type)) {
          await attempt(
            `${kind.name} × ${via.point} × ${via.scenario}, then in recovery × ${point.name} × ${scenario}`,
            () => harness.inject(kind, via, { point: point.name, scenario }),
            failures,
          );
        }
      }
      expect(failures, failures.join("\n")).toEqual([]);
    }, 600_000);
  }
});
