import Module, { createRequire } from "node:module";
import { resolve } from "node:path";
import { isRecord } from "../../narrowing";

/**
 * How handlers are captured. `@azure/functions` looks for the Functions worker by requiring
 * `@azure/functions-core` (src/utils/tryGetCoreApiLazy.ts); without it the package runs in "test mode" and
 * skips every registration. We answer that require with a fake core whose `registerFunction(metadata,
 * callback)` records the call. In 4.16.x `app.generic` passes `options.handler` itself as the callback
 * (src/app.ts): the wrapping into RPC invocation requests happens later, in `InvocationModel`, which
 * only the real worker drives. So the captured callback is our own `(trigger input, InvocationContext)`
 * handler, and the host calls it with real `HttpRequest` / `InvocationContext` objects, built the way
 * `InvocationModel.getArguments` builds them.
 */

type FunctionHandler = (input: unknown, context: unknown) => unknown;

/** The trigger binding as the package describes it to the host (function.json shape). */
interface TriggerBinding {
  type: string;
  name: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  schedule?: string;
  runOnStartup?: boolean;
  queueName?: string;
  topicName?: string;
  connection?: string;
  /** Service Bus: "many" hands the function the messages that were ready together, as an array. */
  cardinality?: "one" | "many";
}

type BindingMetadata = Record<string, unknown> & { type: string; name: string; direction?: string };

export interface FunctionRegistration {
  name: string;
  trigger: TriggerBinding;
  /** Every binding, keyed by binding name (`$return` for the return binding), as the package emitted it. */
  bindings: Record<string, BindingMetadata>;
  handler: FunctionHandler;
  sourceFile: string;
}

interface Disposable {
  dispose(): void;
}

interface CapturedCall {
  metadata: unknown;
  handler: unknown;
}

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

const hookInstalledKey = Symbol.for("varsel.localHost.functionsCoreHook");
let captureSink: CapturedCall[] | undefined;
const registrationsByFile = new Map<string, FunctionRegistration[]>();
const systemLogListeners = new Set<(level: string, message: string) => void>();

const noopDisposable: Disposable = { dispose: () => undefined };

const fakeFunctionsCore = {
  setProgrammingModel: (): void => undefined,
  getProgrammingModel: (): undefined => undefined,
  registerFunction(metadata: unknown, handler: unknown): Disposable {
    if (!captureSink) {
      throw new Error(
        "a function was registered outside a registration file load; register at module top level",
      );
    }
    captureSink.push({ metadata, handler });
    return noopDisposable;
  },
  // App and invocation hooks are accepted so registration files load, but the local host doesn't run them.
  registerHook: (): Disposable => noopDisposable,
  log(level: string, _category: string, message: string): void {
    for (const listener of systemLogListeners) listener(level, message);
  },
};

/** Answers `require("@azure/functions-core")` in this process from now on; idempotent. */
export function installFunctionsCoreHook(): void {
  if (Reflect.get(globalThis, hookInstalledKey)) return;
  // Module._load is Node's internal loader, untyped; the hook replaces it as require-in-the-middle does.
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above
  const loader = Module as unknown as { _load: ModuleLoad };
  const originalLoad = loader._load;
  loader._load = function load(this: unknown, request, parent, isMain) {
    if (request === "@azure/functions-core") return fakeFunctionsCore;
    return originalLoad.call(this, request, parent, isMain);
  };
  Reflect.set(globalThis, hookInstalledKey, true);
}

/** Messages the package logs through the core (`workerSystemLog`), such as a dropped GET body. */
export function onFunctionsSystemLog(listener: (level: string, message: string) => void): () => void {
  systemLogListeners.add(listener);
  return () => systemLogListeners.delete(listener);
}

/**
 * Requires each compiled registration file and returns what it registered. A file already loaded in this
 * process is not executed again (Node caches modules); its earlier registrations are returned instead.
 */
export function loadRegistrations(files: string[]): FunctionRegistration[] {
  installFunctionsCoreHook();
  const load = createRequire(resolve("package.json"));
  const registrations: FunctionRegistration[] = [];
  for (const file of files.map((path) => resolve(path))) {
    let fromFile = registrationsByFile.get(file);
    if (!fromFile) {
      fromFile = captureFrom(file, () => load(file));
      registrationsByFile.set(file, fromFile);
    }
    registrations.push(...fromFile);
  }
  const names = new Set<string>();
  for (const registration of registrations) {
    if (names.has(registration.name)) throw new Error(`function "${registration.name}" is registered twice`);
    names.add(registration.name);
  }
  return registrations;
}

function captureFrom(file: string, load: () => unknown): FunctionRegistration[] {
  const calls: CapturedCall[] = [];
  captureSink = calls;
  try {
    load();
  } finally {
    captureSink = undefined;
  }
  if (calls.length === 0) {
    throw new Error(
      `${file} registered no functions. Either it has no app.* calls, or it (or "@azure/functions") was ` +
        "loaded before the local host's hook, which leaves the package in test mode for this process.",
    );
  }
  return calls.map((call) => toRegistration(call, file));
}

/** The package calls whatever handler a registration file gave it with (input, context). */
function isFunctionHandler(value: unknown): value is FunctionHandler {
  return typeof value === "function";
}

function toRegistration(call: CapturedCall, sourceFile: string): FunctionRegistration {
  const metadata = asRecord(call.metadata, "function metadata");
  const name = metadata.name;
  if (typeof name !== "string") throw new Error(`${sourceFile}: function metadata has no name`);
  const handler = call.handler;
  if (!isFunctionHandler(handler)) throw new Error(`${sourceFile}: function "${name}" has no handler`);

  const bindings: Record<string, BindingMetadata> = {};
  for (const [key, value] of Object.entries(asRecord(metadata.bindings, `bindings of "${name}"`))) {
    const binding = asRecord(value, `binding ${key} of "${name}"`);
    if (typeof binding.type !== "string") throw new Error(`binding ${key} of "${name}" has no type`);
    bindings[key] = {
      ...binding,
      type: binding.type,
      name: typeof binding.name === "string" ? binding.name : key,
    };
  }
  const triggers = Object.values(bindings).filter((binding) =>
    binding.type.toLowerCase().endsWith("trigger"),
  );
  const [trigger] = triggers;
  if (!trigger || triggers.length > 1) throw new Error(`function "${name}" must have exactly one trigger`);

  return {
    name,
    trigger: toTriggerBinding(trigger),
    bindings,
    handler,
    sourceFile,
  };
}

function toTriggerBinding(binding: BindingMetadata): TriggerBinding {
  const text = (key: string): string | undefined => {
    const value = binding[key];
    return typeof value === "string" ? value : undefined;
  };
  const trigger: TriggerBinding = { type: binding.type, name: binding.name };
  const route = text("route");
  if (route !== undefined) trigger.route = route;
  if (Array.isArray(binding.methods)) {
    trigger.methods = binding.methods.filter((method): method is string => typeof method === "string");
  }
  const authLevel = text("authLevel");
  if (authLevel !== undefined) trigger.authLevel = authLevel;
  const schedule = text("schedule");
  if (schedule !== undefined) trigger.schedule = schedule;
  if (typeof binding.runOnStartup === "boolean") trigger.runOnStartup = binding.runOnStartup;
  const queueName = text("queueName");
  if (queueName !== undefined) trigger.queueName = queueName;
  const topicName = text("topicName");
  if (topicName !== undefined) trigger.topicName = topicName;
  const connection = text("connection");
  if (connection !== undefined) trigger.connection = connection;
  const cardinality = text("cardinality");
  if (cardinality === "one" || cardinality === "many") trigger.cardinality = cardinality;
  return trigger;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value) || Array.isArray(value)) {
    throw new Error(`${what} is not an object`);
  }
  return value;
}
