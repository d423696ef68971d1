import { createRequire } from "node:module";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { LocalBroker } from "../../shared/local/broker/localBroker";
import { startFunctionsHost } from "../../shared/local/host/functionsHost";
import { testQueues } from "./manualClock";

const fixtureRoot = join(__dirname, "fixtures");
const probe = createRequire(join(fixtureRoot, "package.json"))("./probe.js") as {
  reset(): void;
  timerRuns: unknown[];
};

afterEach(() => {
  vi.useRealTimers();
});

it("When timers are started, then a six-field NCRONTAB schedule runs the function on its seconds", async () => {
  // croner waits with setTimeout and reads Date, so faked timers drive the real schedule without sleeping.
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "Date"],
    now: Date.parse("2025-01-01T00:00:00Z"),
  });
  probe.reset();
  const host = await startFunctionsHost({
    projectRoot: fixtureRoot,
    broker: new LocalBroker({ queues: testQueues, timers: false }),
    resolveSetting: (name) =>
      ({ RELEASE_SCHEDULE: "*/10 * * * * *", PROCESS_ORDER_QUEUE: "process-order" })[name],
    logger: () => undefined,
  });

  await vi.advanceTimersByTimeAsync(9_999);
  expect(probe.timerRuns).toHaveLength(0);
  await vi.advanceTimersByTimeAsync(20_001);
  expect(probe.timerRuns).toHaveLength(3);

  await host.close();
});

it("When a schedule names a setting that is not set, then the host refuses to start", async () => {
  await expect(
    startFunctionsHost({
      projectRoot: fixtureRoot,
      resolveSetting: () => undefined,
      startTimers: false,
      logger: () => undefined,
    }),
  ).rejects.toThrow(/RELEASE_SCHEDULE, which is not set/);
});
