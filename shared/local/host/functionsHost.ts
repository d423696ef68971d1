import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { LocalBroker, type Subscription } from "../broker/localBroker";
import { isRecord } from "../../narrowing";
import { systemClock, type Clock } from "../../ports/clock";
import type { AdmissionLimits } from "./admission";
import { createHttpDispatcher, type ExtraRoute } from "./httpDispatch";
import { consoleHostLogger, formatLogLine, toLogLevel, type HostLogger } from "./invocation";
import { readProjectLayout } from "./projectLayout";
import {
  installFunctionsCoreHook,
  loadRegistrations,
  onFunctionsSystemLog,
  type FunctionRegistration,
} from "./registrations";
import { rawProblemResponse } from "./responseWriter";
import { bindServiceBusTriggers } from "./serviceBusTriggers";
import { environmentSettings, type SettingResolver } from "./settings";
import { TimerRunner } from "./timers";

export type { ExtraRoute } from "./httpDispatch";

interface FunctionsHostOptions {
  /** Holds package.json (whose `main` glob names the compiled registration files) and host.json. */
  projectRoot: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Service Bus triggers subscribe here; a broker is created (and closed with the host) when absent. */
  broker?: LocalBroker;
  clock?: Clock;
  /** Resolves `%NAME%` in schedules and queue names; defaults to environment variables. */
  resolveSetting?: SettingResolver;
  /** Plain Node handlers served before the function routes, on exact paths. */
  extraRoutes?: ExtraRoute[];
  /** Run timers on their schedules (default true); `runTimer` works either way. */
  startTimers?: boolean;
  logger?: HostLogger;
  /** Larger request bodies get 413 without reaching a handler (default 4 MiB). */
  maxBodyBytes?: number;
  /** The request line and headers must arrive within this (default 10 s), else 408 and the connection closes. */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this (default 30 s), else 408. */
  requestTimeoutMs?: number;
  /** Function invocations at once, waiting requests and their wait (defaults 64, 4096, 30 s); 503 beyond. */
  admission?: Partial<AdmissionLimits>;
  /** Functions whose request body is streamed to them, uncapped by `maxBodyBytes` (they bound it themselves). */
  streamedFunctions?: ReadonlySet<string>;
}

/** Defaults: Kestrel gives 30 s for the headers and then wants the body at 240 bytes/s; loopback is faster. */
const defaultHostLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Requests wait up to 30 s: a client that gives up earlier is skipped when its turn comes, and shedding
  // sooner (10 s) answered 484 of 3,000 requests at 1,000 connections with 503 and made the rest no faster.
  admission: { maxActive: 64, maxWaiting: 4096, maxWaitMs: 30_000 },
  /** The listen queue for connections not yet accepted: a burst of a thousand connects is queued, not refused. */
  backlog: 4096,
} as const;

/**
 * What the host answers when Node's HTTP parser gives up on a request (Node's own answer is a bare 400/408
 * without a body, or none): a problem document, then the connection closes.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // Node's private link from a socket to the response being written on it, read to not write twice.
  const inFlight: unknown = Reflect.get(socket, "_httpMessage");
  if (!socket.writable || (isRecord(inFlight) && inFlight["headersSent"]) || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, title] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "Request Timeout"]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large"]
        : [400, "Bad Request"];
  socket.end(rawProblemResponse(status, title));
}

export interface FunctionsHost {
  /** `http://host:port`, without the route prefix. */
  url: string;
  /** `url` plus host.json's route prefix, e.g. `http://127.0.0.1:7071/notifications/api/v1`. */
  apiUrl: string;
  registrations: FunctionRegistration[];
  broker: LocalBroker;
  /** Runs a timer function now (after a run in progress) and resolves when it finishes. */
  runTimer(name: string): Promise<void>;
  /** Stops timers, queue subscriptions and the HTTP server, waiting for work in progress. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog: defaultHostLimits.backlog }, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string")
        reject(new Error("the host is not listening on TCP"));
      else resolve(address);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
    // A client that keeps a request open must not hold the host up for ever.
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  });
}

/**
 * A stand-in for `func start`: loads exactly the registration files the Functions host would, serves
 * HTTP triggers under the route prefix, runs timers, and feeds Service Bus triggers from the local broker.
 */
export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  installFunctionsCoreHook();
  const logger = options.logger ?? consoleHostLogger;
  const clock = options.clock ?? systemClock;
  const resolveSetting = options.resolveSetting ?? environmentSettings;
  const layout = readProjectLayout(options.projectRoot);
  const registrations = loadRegistrations(layout.registrationFiles);
  // Built first: it checks every schedule, so a bad one fails the start before anything is opened.
  const timers = new TimerRunner(registrations, { clock, logger, resolveSetting });
  const ownsBroker = options.broker === undefined;
  const broker = options.broker ?? new LocalBroker({ clock });

  const stopSystemLog = onFunctionsSystemLog((rawLevel, message) => {
    const level = toLogLevel(rawLevel);
    logger(level, formatLogLine("@azure/functions", level, [message]));
  });
  const requestTimeout = options.requestTimeoutMs ?? defaultHostLimits.requestTimeoutMs;
  const server = createServer(
    {
      keepAlive: true,
      headersTimeout: Math.min(
        options.headersTimeoutMs ?? defaultHostLimits.headersTimeoutMs,
        requestTimeout,
      ),
      requestTimeout,
      // How often Node looks for requests past those limits (its default, 30 s, would double them).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    createHttpDispatcher({
      routePrefix: layout.routePrefix,
      registrations,
      extraRoutes: options.extraRoutes ?? [],
      logger,
      maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
      admission: { ...defaultHostLimits.admission, ...options.admission },
      streamedFunctions: options.streamedFunctions ?? new Set(),
    }),
  );
  // Longer than typical client pools keep idle sockets, so benchmarks don't race a server-side close (the
  // headers timeout counts from a request's first byte, so an idle kept-alive connection is not cut by it).
  server.keepAliveTimeout = 65_000;
  server.on("clientError", answerClientError);

  let subscriptions: Subscription[] = [];
  try {
    const address = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
    subscriptions = bindServiceBusTriggers(registrations, {
      broker,
      logger,
      resolveSetting,
      maxConcurrentCalls: layout.maxConcurrentCalls,
      maxMessageBatchSize: layout.maxMessageBatchSize,
    });
    if (options.startTimers ?? true) timers.startSchedules();
    const url = `http://${address.address}:${address.port}`;
    const prefix = layout.routePrefix.replace(/^\/+|\/+$/g, "");

    return {
      url,
      apiUrl: prefix === "" ? url : `${url}/${prefix}`,
      registrations,
      broker,
      runTimer: (name) => timers.run(name),
      close: async () => {
        await timers.stop();
        await Promise.all(subscriptions.map((subscription) => subscription.close()));
        await closeServer(server);
        if (ownsBroker) await broker.close();
        stopSystemLog();
      },
    };
  } catch (error) {
    await timers.stop();
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    if (server.listening) await closeServer(server);
    if (ownsBroker) await broker.close();
    stopSystemLog();
    throw error;
  }
}
