import { randomUUID } from "node:crypto";
import { format } from "node:util";
import {
  InvocationContext,
  type EffectiveFunctionOptions,
  type FunctionInput,
  type FunctionOutput,
  type LogLevel,
  type TriggerMetadata,
} from "@azure/functions";
import type { FunctionRegistration } from "./registrations";

/** Receives one finished log line; the level lets a writer route warnings and errors to stderr. */
export type HostLogger = (level: LogLevel, line: string) => void;

const logLevels: ReadonlySet<string> = new Set<LogLevel>([
  "trace",
  "debug",
  "information",
  "warning",
  "error",
  "critical",
  "none",
]);

function isLogLevel(level: string): level is LogLevel {
  return logLevels.has(level);
}

export function toLogLevel(level: string): LogLevel {
  return isLogLevel(level) ? level : "information";
}

/** Information and above, warnings and errors to stderr: host.json's default log level. */
export const consoleHostLogger: HostLogger = (level, line) => {
  if (level === "trace" || level === "debug" || level === "none") return;
  const stream = level === "information" ? process.stdout : process.stderr;
  stream.write(`${line}\n`);
};

/** One line per call, so the output stays greppable by function name; embedded newlines are escaped. */
export function formatLogLine(source: string, level: LogLevel, args: unknown[]): string {
  const text = format(...args).replace(/\r?\n/g, "\\n");
  return `${new Date().toISOString()} [${level}] ${source}: ${text}`;
}

/** The same options `InvocationModel` derives from the registered bindings (fromRpcBindings). */
function effectiveOptions(registration: FunctionRegistration): EffectiveFunctionOptions {
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  let returnBinding: FunctionOutput | undefined;
  for (const [key, binding] of Object.entries(registration.bindings)) {
    if (key === registration.trigger.name) continue;
    if (key === "$return") returnBinding = { ...binding, name: key };
    else if (binding.direction === "in") extraInputs.push({ ...binding, name: key });
    else extraOutputs.push({ ...binding, name: key });
  }
  const trigger = registration.bindings[registration.trigger.name] ?? registration.trigger;
  return { trigger: { ...trigger }, return: returnBinding, extraInputs, extraOutputs };
}

/** A fresh context per invocation, logging through the host logger with the function's name. */
export function createInvocationContext(
  registration: FunctionRegistration,
  logger: HostLogger,
  triggerMetadata?: TriggerMetadata,
): InvocationContext {
  const invocationId = randomUUID();
  // The whole id, as the Functions host prints it: its first eight characters alone are, about one time in 200,
  // eight digits starting with 4 or 9, which reads as a Norwegian mobile number to a scan for personal data.
  const source = `${registration.name} (${invocationId})`;
  return new InvocationContext({
    invocationId,
    functionName: registration.name,
    logHandler: (level, ...args) => logger(level, formatLogLine(source, level, args)),
    // The package leaves triggerMetadata undefined for HTTP and timer triggers; callers pass it for the rest.
    ...(triggerMetadata ? { triggerMetadata } : {}),
    options: effectiveOptions(registration),
  });
}
