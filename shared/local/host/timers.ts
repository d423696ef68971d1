import { Cron } from "croner";
import type { Timer } from "@azure/functions";
import type { Clock } from "../../ports/clock";
import { createInvocationContext, formatLogLine, type HostLogger } from "./invocation";
import type { FunctionRegistration } from "./registrations";
import { resolvePlaceholders, type SettingResolver } from "./settings";

interface TimerFunction {
  registration: FunctionRegistration;
  /** Parses and evaluates the NCRONTAB expression; also the scheduler once timers are started. */
  cron: Cron;
  schedule: string;
  running?: Promise<void>;
  /** A run waiting for the one in progress; requests made meanwhile share it. */
  queued?: Promise<void>;
}

interface TimerRunnerOptions {
  clock: Clock;
  logger: HostLogger;
  resolveSetting: SettingResolver;
}

/** NCRONTAB as Azure reads it: six fields, seconds first, in UTC unless WEBSITE_TIME_ZONE says otherwise. */
function compileSchedule(registration: FunctionRegistration, schedule: string): Cron {
  if (/^\d+(?:\.\d+)?:\d{2}:\d{2}$/.test(schedule)) {
    throw new Error(
      `timer "${registration.name}": TimeSpan schedules are not supported locally; use NCRONTAB`,
    );
  }
  try {
    return new Cron(schedule, { mode: "6-part", timezone: "Etc/UTC", paused: true });
  } catch (error) {
    throw new Error(`timer "${registration.name}" has an invalid schedule "${schedule}"`, { cause: error });
  }
}

/**
 * Runs timer-triggered functions on their schedules with croner, never two runs of one timer at once
 * (the Functions host holds a singleton lock per timer): a scheduled occurrence that finds the previous
 * run still going is skipped, while an explicit `run` waits for it and then runs.
 */
export class TimerRunner {
  private readonly timers = new Map<string, TimerFunction>();
  private readonly schedulers: Cron[] = [];

  constructor(
    registrations: FunctionRegistration[],
    private readonly options: TimerRunnerOptions,
  ) {
    for (const registration of registrations) {
      if (registration.trigger.type !== "timerTrigger") continue;
      const schedule = resolvePlaceholders(
        registration.trigger.schedule ?? "",
        options.resolveSetting,
        `timer "${registration.name}"`,
      );
      this.timers.set(registration.name, {
        registration,
        schedule,
        cron: compileSchedule(registration, schedule),
      });
    }
  }

  /** Runs the timer now (after a run in progress) and resolves when it finishes; rejects with its error. */
  run(name: string): Promise<void> {
    const timer = this.timers.get(name);
    if (!timer)
      throw new Error(`no timer function named "${name}" (known: ${[...this.timers.keys()].join(", ")})`);
    return this.enqueue(timer);
  }

  /** Starts the schedules, and the runs of timers registered with `runOnStartup`. */
  startSchedules(): void {
    for (const timer of this.timers.values()) {
      const scheduler = new Cron(timer.schedule, { mode: "6-part", timezone: "Etc/UTC", unref: true }, () =>
        this.runScheduled(timer),
      );
      this.schedulers.push(scheduler);
      if (timer.registration.trigger.runOnStartup) this.runScheduled(timer);
    }
  }

  /** Stops the schedules and resolves when runs in progress have finished. */
  async stop(): Promise<void> {
    for (const scheduler of this.schedulers.splice(0)) scheduler.stop();
    const inProgress = [...this.timers.values()]
      .flatMap((timer) => [timer.running, timer.queued])
      .filter((run) => run !== undefined);
    await Promise.allSettled(inProgress);
  }

  private runScheduled(timer: TimerFunction): void {
    if (timer.running || timer.queued) {
      this.log(timer, "warning", "skipped a scheduled run: the previous run is still in progress");
      return;
    }
    // Failures are logged by invoke(); a schedule has nobody to report them to.
    this.enqueue(timer).catch(() => undefined);
  }

  /**
   * Serialises runs of one timer: a new run starts only after the one in progress has settled, and
   * requests made while a run is waiting share it. `queued` stays set until the moment the waiting run
   * begins, so no caller ever sees both slots empty while a run is pending.
   */
  private enqueue(timer: TimerFunction): Promise<void> {
    if (timer.queued) return timer.queued;
    const previous = timer.running;
    if (!previous) return this.begin(timer);
    const queued = previous
      .catch(() => undefined)
      .then(() => {
        timer.queued = undefined;
        return this.begin(timer);
      });
    timer.queued = queued;
    return queued;
  }

  private begin(timer: TimerFunction): Promise<void> {
    const run = this.invoke(timer).finally(() => {
      if (timer.running === run) timer.running = undefined;
    });
    timer.running = run;
    return run;
  }

  private async invoke(timer: TimerFunction): Promise<void> {
    const now = this.options.clock.now();
    const [last] = timer.cron.previousRuns(1, now);
    const next = timer.cron.nextRun(now);
    const timerInfo: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: {
        last: (last ?? now).toISOString(),
        next: (next ?? now).toISOString(),
        lastUpdated: now.toISOString(),
      },
    };
    const context = createInvocationContext(timer.registration, this.options.logger);
    try {
      await timer.registration.handler(timerInfo, context);
    } catch (error) {
      this.log(timer, "error", "failed", error);
      throw error;
    }
  }

  private log(timer: TimerFunction, level: "warning" | "error", ...args: unknown[]): void {
    this.options.logger(level, formatLogLine(timer.registration.name, level, args));
  }
}
