/**
 * Whether the client of an HTTP request is still there to read the answer, as far as the hosting platform
 * can tell. Azure Functions cannot: the Node programming model's `HttpRequest` (@azure/functions 4.x) has no
 * abort signal and the worker is given none (Azure/azure-functions-nodejs-library#273), so on Azure no request
 * has a signal and a disconnect goes unseen. The local host owns the Node HTTP server, sees the client's
 * socket close, and attaches a signal to each request it builds.
 *
 * The signals are kept on `globalThis` under a registered symbol, not in a module variable: the local host
 * and the registration files it loads may each load their own copy of this module (a test host from the
 * TypeScript sources, the functions from `dist/`), and both must see the same signals.
 */
const registryKey = Symbol.for("varsel.platform.clientSignals");

/** Only this module writes under the key, so a WeakMap found there is ours. */
function isSignalMap(value: unknown): value is WeakMap<object, AbortSignal> {
  return value instanceof WeakMap;
}

function signals(): WeakMap<object, AbortSignal> {
  const existing: unknown = Reflect.get(globalThis, registryKey);
  if (isSignalMap(existing)) return existing;
  const created = new WeakMap<object, AbortSignal>();
  Reflect.set(globalThis, registryKey, created);
  return created;
}

/** The host: `signal` aborts when the client of `request` goes away before its answer is written. */
export function attachClientSignal(request: object, signal: AbortSignal): void {
  signals().set(request, signal);
}

/** The request's client signal; undefined where the platform cannot tell (Azure). */
export function clientSignal(request: object): AbortSignal | undefined {
  return signals().get(request);
}
