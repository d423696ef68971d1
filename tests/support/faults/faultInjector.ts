import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as CosmosErrorsModule from "../../../shared/adapters/cosmos/errors";
import type { Dependencies } from "../../../shared/app/dependencies";
import type * as ErrorsModule from "../../../shared/errors";
import type { FunctionRegistration } from "../../../shared/local/host/registrations";
import type { LocalService } from "../../../shared/local/localService";
import type { OutgoingMessage } from "../../../shared/ports/publisher";
import { projectRoot } from "../localService";

/**
 * Fault injection over the compiled service's own ports. Every store write, publish and provider call a
 * handler makes is a fault point, named by its call site (the first stack frame in the compiled use cases,
 * HTTP or queue edges) and the port method. One fault fires at the first hit of its point; a crash kills the
 * whole invocation it happened in, as a dead process would: every later port call of that invocation fails
 * too, and the invocation ends failed however the code below handled the error (HTTP: 500, queue: the
 * message is abandoned and redelivered, timer: the run fails).
 */

const requireCompiled = createRequire(__filename);
const dist = (...path: string[]) => join(projectRoot, "dist", "shared", ...path);

/** The compiled modules the host uses (one module graph: `instanceof AppError` holds across it). */
export const compiled = {
  errors: () => requireCompiled(dist("errors.js")) as typeof ErrorsModule,
  cosmosErrors: () => requireCompiled(dist("adapters", "cosmos", "errors.js")) as typeof CosmosErrorsModule,
};

/** Not an AppError: no handler may take it for a known failure. */
export class SimulatedCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulatedCrash";
  }
}

export type CallType = "store" | "publish" | "provider";

export const scenarios = [
  "crash before",
  "crash after",
  "message lost",
  "delivered twice",
  "store 429/503",
  "provider timeout after accepting",
] as const;
export type Scenario = (typeof scenarios)[number];

/** The scenarios that fit a call type. */
export function scenariosFor(type: CallType): Scenario[] {
  switch (type) {
    case "store":
      return ["crash before", "crash after", "store 429/503"];
    case "publish":
      return ["crash before", "crash after", "message lost", "delivered twice"];
    case "provider":
      return ["crash before", "crash after", "provider timeout after accepting"];
  }
}

export interface FaultPoint {
  /** e.g. `sendNotification.js:97 notifications.update` */
  name: string;
  type: CallType;
}

export interface Fault {
  point: string;
  scenario: Scenario;
}

interface Invocation {
  name: string;
  crashed: boolean;
  /** The SMS provider accepted a message in this invocation (a crash after it may send it again). */
  smsAccepted: boolean;
}

interface Armed {
  kind: "inject";
  /** Each fires at the first hit of its point after the one before it fired. */
  faults: Fault[];
  fired: number;
  firedIn: string[];
  smsWindow: boolean;
  seen: Map<string, FaultPoint>;
}

type Mode = { kind: "off" } | { kind: "discover"; points: Map<string, FaultPoint> } | Armed;

/** What became of armed faults. */
export interface FaultResult {
  /** Every armed fault fired. */
  fired: boolean;
  /** The invocations they fired in (the functions' names). */
  firedIn: string[];
  /**
   * The documented window for a second SMS: the invocation died after the SMS provider accepted the message
   * and before its answer was recorded, or the provider timed out after accepting it.
   */
  smsWindow: boolean;
  /** Every fault point the run hit, in first-hit order. */
  seen: FaultPoint[];
}

const storePorts = [
  "orders",
  "notifications",
  "references",
  "statusFeed",
  "deadReports",
  "sendBatches",
  "recipientLists",
] as const;
const providerPorts = ["emailSender", "smsSender"] as const;
/** Ports wrapped only so that a crashed invocation cannot go on using them. */
const otherPorts = ["contacts", "conditions"] as const;
const storeWrite = /^(create|update|put|append|save|remove|quarantine|mark)/;
const handlerFrame =
  /[\\/]dist[\\/]shared[\\/](?:usecases|http|queue)[\\/](?:[^\\/()\s]+[\\/])*([^\\/()\s]+\.js):(\d+):\d+/;

function callTypeOf(port: string, method: string): CallType | undefined {
  if ((storePorts as readonly string[]).includes(port)) return storeWrite.test(method) ? "store" : undefined;
  if (port === "publisher") return method === "publish" ? "publish" : undefined;
  if ((providerPorts as readonly string[]).includes(port))
    return method === "send" || method === "sendMany" ? "provider" : undefined;
  return undefined;
}

function callSite(port: string, method: string): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const line of stack.split("\n")) {
    const match = handlerFrame.exec(line);
    if (match) return `${match[1]}:${match[2]} ${port}.${method}`;
  }
  return `(no handler frame) ${port}.${method}`;
}

type AnyMethod = (...args: unknown[]) => unknown;

export class FaultInjector {
  private readonly invocations = new AsyncLocalStorage<Invocation>();
  private mode: Mode = { kind: "off" };
  private readonly errors = compiled.errors();
  private readonly cosmosErrors = compiled.cosmosErrors();

  /** Wraps the service's ports, so every handler runs with the wrapped ones, and runs each invocation apart. */
  install(service: LocalService): void {
    service.wrapDependencies((deps) => {
      const wrapped: Dependencies = { ...deps };
      for (const port of [...storePorts, ...providerPorts, ...otherPorts, "publisher"] as const) {
        (wrapped as unknown as Record<string, unknown>)[port] = this.wrapPort(deps[port], port);
      }
      return wrapped;
    });
    for (const registration of service.host.registrations) this.wrapHandler(registration);
  }

  /** Records the fault points hit until `stop`; returns them in first-hit order. */
  discover(): () => FaultPoint[] {
    const points = new Map<string, FaultPoint>();
    this.mode = { kind: "discover", points };
    return () => {
      this.mode = { kind: "off" };
      return [...points.values()];
    };
  }

  /** Arms faults, each for the first hit of its point after the previous one fired; `disarm` tells what fired. */
  arm(...faults: Fault[]): () => FaultResult {
    const mode: Armed = { kind: "inject", faults, fired: 0, firedIn: [], smsWindow: false, seen: new Map() };
    this.mode = mode;
    return () => {
      this.mode = { kind: "off" };
      return {
        fired: mode.fired === faults.length,
        firedIn: mode.firedIn,
        smsWindow: mode.smsWindow,
        seen: [...mode.seen.values()],
      };
    };
  }

  private wrapPort<T extends object>(port: T, portName: string): T {
    return new Proxy(port, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        const method = String(property);
        const invoke = (args: unknown[]) => (value as AnyMethod).apply(target, args);
        if (portName === "publisher" && method !== "publish") return (...args: unknown[]) => invoke(args);
        return (...args: unknown[]) => this.intercept(portName, method, args, invoke);
      },
    });
  }

  private async intercept(
    port: string,
    method: string,
    args: unknown[],
    call: (args: unknown[]) => unknown,
  ): Promise<unknown> {
    const invocation = this.invocations.getStore();
    if (invocation?.crashed) throw new SimulatedCrash(`${invocation.name} had already crashed`);
    const invoke =
      port === "smsSender" && invocation
        ? async (args: unknown[]) => {
            const result = await call(args);
            const outcomes = Array.isArray(result) ? result : [result];
            if (outcomes.some((o) => (o as { outcome?: unknown } | undefined)?.outcome === "accepted"))
              invocation.smsAccepted = true;
            return result;
          }
        : call;
    const type = callTypeOf(port, method);
    const mode = this.mode;
    if (!type || !invocation || mode.kind === "off") return invoke(args);
    const site = callSite(port, method);
    const points = mode.kind === "discover" ? mode.points : mode.seen;
    if (!points.has(site)) points.set(site, { name: site, type });
    if (mode.kind === "discover") return invoke(args);
    const fault = mode.faults[mode.fired];
    if (!fault || site !== fault.point) return invoke(args);
    mode.fired += 1;
    mode.firedIn.push(invocation.name);
    return this.inject(mode, fault.scenario, invocation, site, args, invoke);
  }

  private async inject(
    mode: Armed,
    scenario: Scenario,
    invocation: Invocation,
    site: string,
    args: unknown[],
    invoke: (args: unknown[]) => unknown,
  ): Promise<unknown> {
    const crash = () => {
      invocation.crashed = true;
      mode.smsWindow ||= invocation.smsAccepted;
      return new SimulatedCrash(`${scenario} at ${site}`);
    };
    switch (scenario) {
      case "crash before":
        throw crash();
      case "crash after":
        await invoke(args);
        throw crash();
      case "message lost":
        return undefined;
      case "delivered twice": {
        const [queue, messages] = args as [string, OutgoingMessage[]];
        await invoke([queue, messages]);
        return invoke([queue, messages.map((m) => ({ ...m, messageId: `${m.messageId}:copy` }))]);
      }
      case "store 429/503":
        throw this.cosmosErrors.mapCosmosError(
          { code: 429, message: "Request rate is large (injected)" },
          `${site} (injected)`,
        );
      case "provider timeout after accepting":
        await invoke(args);
        mode.smsWindow ||= invocation.smsAccepted;
        throw this.errors.transient(`${site}: timed out after the provider accepted (injected)`);
    }
  }

  /** Runs each invocation in its own context, and ends one that crashed as failed whatever it returned. */
  private wrapHandler(registration: FunctionRegistration): void {
    const original = registration.handler;
    const http = registration.trigger.type === "httpTrigger";
    registration.handler = (input, context) => {
      const invocation: Invocation = { name: registration.name, crashed: false, smsAccepted: false };
      return this.invocations.run(invocation, async () => {
        let result: unknown;
        try {
          result = await original(input, context);
        } catch (error) {
          if (http && invocation.crashed) return crashedResponse();
          throw error;
        }
        if (!invocation.crashed) return result;
        if (http) return crashedResponse();
        throw new SimulatedCrash(`${registration.name} crashed`);
      });
    };
  }
}

/** What a client sees of a process that died under its request. */
function crashedResponse() {
  return { status: 500, jsonBody: { title: "Simulated crash" } };
}
