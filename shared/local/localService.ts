import { join } from "node:path";
import { LocalBroker } from "./broker/localBroker";
import type { OutgoingMessage } from "../ports/publisher";
import { createCosmosClient, ensureDatabase } from "../adapters/cosmos/client";
import type { Dependencies } from "../app/dependencies";
import { useLocalRoot } from "../app/hostServices";
import { readLocalView } from "./cosmosLocalView";
import { localTelemetry, type LocalTelemetry } from "../telemetry/localTelemetry";
import { buildPageView } from "./localView";
import { settings } from "../config/settings";
import { containers } from "../platform/resources";
import { upsertRegistryDocuments } from "../adapters/cosmos/cosmosContactRegistry";
import { ControllableClock } from "./controllableClock";
import { localQueueConcurrency } from "./queueConcurrency";
import { expireDocuments, type ExpiredCounts } from "./expireDocuments";
import { startEmbeddedCosmos } from "./embeddedCosmos";
import { startLocalBlobStorage } from "./localBlobStorage";
import { localRoutes } from "./localRoutes";
import { startFakeAcs, type FakeAcs } from "./fakeAcs";
import { localRoot } from "./localRoot";
import { streamedHttpFunctions } from "../http/streamedFunctions";
import { startFunctionsHost, type FunctionsHost } from "./host/functionsHost";
import { startLocalLinkGateway } from "./linkGateway";
import { loadLocalSettings } from "./localSettings";
import { Outbox } from "./outbox";
import { lockDataDir } from "./persistence/dataDir";
import { scopes } from "../auth/principal";
import { isRecord } from "../narrowing";
import { localAudience, localIssuer, localSigningKey, signLocalToken } from "./signingKey";
import sampleRegistry from "./sampleRegistry.json";

export interface LocalServiceOptions {
  projectRoot: string;
  /** HTTP port (7071 like `func start`; 0 picks a free one). */
  port?: number;
  /** Embedded Cosmos port (8081 like the Cosmos emulator; 0 picks a free one). */
  cosmosPort?: number;
  /** Local blob storage (Azurite) port for composed-email attachments (10000 like Azurite; 0 picks a free one). */
  blobPort?: number;
  /** Test mode: deliver every queue message twice to prove the handlers idempotent. */
  duplicateDelivery?: boolean;
  /** Run timers on their schedules (default true); tests drive them with `host.runTimer`. */
  startTimers?: boolean;
  /** Read local.settings.json as `func start` does (default true); tests turn it off. */
  readLocalSettings?: boolean;
  /** Load the sample contact registry (default true). */
  seedRegistry?: boolean;
  /**
   * Keep the embedded Cosmos store and the outbox in this folder across restarts (kill -9 included).
   * Unset (the default, for tests and benchmarks) keeps everything in memory; `npm start` passes
   * `LOCAL_DATA_DIR`, or `.varsel`, unless `LOCAL_PERSIST=false`.
   */
  dataDir?: string;
  /**
   * How long, on the service's clock, the local ACS's delivery report takes to reach the delivery-report
   * queue (default 0: at once). ACS reports after delivery, seconds after the send; fault injection sets it,
   * so that no report races its send's result and every run takes the same path.
   */
  emailReportDelayMs?: number;
  log?: (line: string) => void;
}

export interface LocalService {
  /** Where this process's spans go (the local page); tests add their own exporter. */
  telemetry: LocalTelemetry;
  host: FunctionsHost;
  broker: LocalBroker;
  outbox: Outbox;
  clock: ControllableClock;
  cosmosEndpoint: string;
  /** The local ACS endpoint (its 429 count shows whether sends were paced below its rate limit). */
  acs: FakeAcs;
  /** The dependencies the functions run with (the local composition root's). */
  dependencies(): Dependencies;
  /** Replaces them with a wrapping of them: benchmarks count port calls, fault injection breaks them. */
  wrapDependencies(wrap: (deps: Dependencies) => Dependencies): void;
  /** Deletes what Cosmos DB's TTL would have deleted by the service's clock (it also runs every minute). */
  expireDocuments(): Promise<ExpiredCounts>;
  /**
   * Resolves when nothing is left to do now: no queue message due or in flight, and no delivery report
   * on its way back from the email or SMS fake. Scheduled messages wait for the clock.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The delivery-report message an ACS report event becomes, as Event Grid puts it on the queue (its event id
 * as the message id, so a repeated event is taken once); `enqueueAt` delays it.
 */
export function emailReportMessage(event: unknown, enqueueAt?: Date): OutgoingMessage {
  return {
    messageId: `acs-report:${String(isRecord(event) ? event["id"] : undefined)}`,
    body: event,
    ...(enqueueAt ? { scheduledEnqueueTime: enqueueAt } : {}),
  };
}

/** How often local mode deletes expired documents, as Cosmos DB does in the background. */
const expiryIntervalMs = 60_000;

function setDefault(key: string, value: string): void {
  if (!process.env[key]) process.env[key] = value;
}

/**
 * Runs varsel on one machine with what Azure provides embedded: the Cosmos DB server, a broker with
 * Service Bus semantics, an ACS email endpoint and a LINK gateway that capture messages in an outbox and
 * report delivery back. The functions are exactly the compiled registration files Azure runs.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  // Whatever started is stopped again if a later step fails, so a failed start leaves no server behind.
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    return await start(options, closers, closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function start(
  options: LocalServiceOptions,
  closers: Array<() => Promise<void>>,
  closeAll: () => Promise<void>,
): Promise<LocalService> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.readLocalSettings ?? true) loadLocalSettings(options.projectRoot);
  process.env["VARSEL_MODE"] = "local";
  // Local defaults that `func start` would take from local.settings.json: timers tick every few seconds.
  setDefault("SWEEP_SCHEDULE", "*/2 * * * * *");
  setDefault("TERMINATE_SCHEDULE", "*/30 * * * * *");
  // The local provider endpoints have no quota unless one is set, so sends are paced only when asked to.
  setDefault("PACING_ACS_PER_MINUTE", "0");
  setDefault("PACING_LINK_PER_MINUTE", "0");

  if (options.dataDir) {
    const release = lockDataDir(options.dataDir);
    closers.push(async () => release());
  }
  const cosmos = await cosmosConnection(options, closers, log);
  if (!process.env["LOCAL_BLOB_ENDPOINT"]) {
    const blobs = await startLocalBlobStorage(options.blobPort ?? 10000, options.dataDir);
    closers.push(() => blobs.close());
    process.env["LOCAL_BLOB_ENDPOINT"] = blobs.endpoint;
    log(`local blob storage (Azurite) on ${blobs.endpoint}`);
  }
  const database = process.env["COSMOS_DATABASE"] || "varsel";
  const cosmosClient = createCosmosClient({ ...cosmos, database });
  closers.push(async () => cosmosClient.dispose());
  const db = await ensureDatabase(cosmosClient, database);
  if (options.seedRegistry ?? true) {
    await upsertRegistryDocuments(db.container(containers.registry.name), sampleRegistry);
  }

  const key = await localSigningKey();
  const clock = new ControllableClock({
    offsetSeconds: Number(process.env["LOCAL_CLOCK_OFFSET_SECONDS"] || 0),
    fixedAt: process.env["LOCAL_CLOCK_FIXED"] || undefined,
  });
  const broker = new LocalBroker({
    clock,
    duplicateDelivery: options.duplicateDelivery,
    queueConcurrency: localQueueConcurrency,
  });
  closers.push(() => broker.close());
  // Spans of this process go to the local page (and to a test's exporter).
  const telemetry = localTelemetry();
  const outbox = new Outbox(
    () => clock.now(),
    options.dataDir ? { path: join(options.dataDir, "outbox.ndjson") } : {},
  );
  closers.push(async () => outbox.close());

  const acs = await startFakeAcs({
    outbox,
    rateLimitPerSecond: Number(process.env["LOCAL_ACS_RATE_LIMIT_PER_SECOND"]) || undefined,
    onDeliveryReport: (event) =>
      broker.publish("deliveryReports", [
        emailReportMessage(
          event,
          options.emailReportDelayMs
            ? new Date(clock.now().getTime() + options.emailReportDelayMs)
            : undefined,
        ),
      ]),
  });
  closers.push(() => acs.close());
  const host = await startFunctionsHost({
    projectRoot: options.projectRoot,
    port: options.port ?? 7071,
    broker,
    clock,
    startTimers: options.startTimers ?? true,
    extraRoutes: localRoutes(key.publicJwk, outbox, clock, async () =>
      buildPageView(
        await readLocalView(db),
        outbox.list(),
        (id) => telemetry.journal.trace(id),
        await telemetry.metrics(),
        clock.now(),
      ),
    ),
    streamedFunctions: streamedHttpFunctions,
  });
  closers.push(() => host.close());
  const reportCredentials = { username: "link-reports", password: "local-report-password" };
  const gatewayCredentials = { username: "varsel", password: "local-gateway-password" };
  const link = await startLocalLinkGateway({
    outbox,
    credentials: gatewayCredentials,
    deliveryReportUrl: `${host.apiUrl}/delivery-reports/sms`,
    reportCredentials,
  });
  closers.push(() => link.close());

  setDefault("ACS_EMAIL_ENDPOINT", acs.endpoint);
  setDefault("ACS_EMAIL_ACCESS_KEY", acs.accessKey);
  setDefault("LINK_GATEWAY_URL", link.url);
  setDefault("LINK_USERNAME", gatewayCredentials.username);
  setDefault("LINK_PASSWORD", gatewayCredentials.password);
  setDefault("LINK_REPORT_USERNAME", reportCredentials.username);
  setDefault("LINK_REPORT_PASSWORD", reportCredentials.password);
  setDefault("AUTH_ISSUER", localIssuer);
  setDefault("AUTH_AUDIENCE", localAudience);
  setDefault("AUTH_JWKS_URI", `${host.url}/.well-known/jwks.json`);
  // Fails fast, listing every bad setting, before the first request.
  const config = settings();
  if (config.VARSEL_MODE !== "local")
    throw new Error("the settings were read before VARSEL_MODE was set to local");
  let dependencies = localRoot(config, {
    publisher: broker,
    clock,
    // As Altinn's condition client: Digdir's organisation number and the condition-check scope.
    conditionToken: () =>
      signLocalToken(key, {
        organizationNumber: "991825827",
        scope: scopes.conditionCheck,
        expiresInSeconds: 300,
      }),
    cosmos,
    acs: {
      endpoint: config.ACS_EMAIL_ENDPOINT ?? acs.endpoint,
      accessKey: config.ACS_EMAIL_ACCESS_KEY ?? acs.accessKey,
    },
    link: {
      url: config.LINK_GATEWAY_URL ?? link.url,
      username: config.LINK_USERNAME ?? gatewayCredentials.username,
      password: config.LINK_PASSWORD ?? gatewayCredentials.password,
    },
  });
  useLocalRoot(async () => dependencies);

  const expire = () => expireDocuments(cosmos.endpoint, database, clock.now());
  const expiryTimer = setInterval(() => {
    expire().then(
      (counts) => {
        const parts = Object.entries(counts).map(([name, count]) => `${count} from ${name}`);
        if (parts.length > 0) log(`retention: deleted ${parts.join(", ")}`);
      },
      (error: unknown) =>
        log(`retention: expiry failed (${error instanceof Error ? error.message : "error"})`),
    );
  }, expiryIntervalMs);
  expiryTimer.unref();
  closers.push(async () => clearInterval(expiryTimer));

  return {
    host,
    broker,
    outbox,
    clock,
    telemetry,
    cosmosEndpoint: cosmos.endpoint,
    acs,
    dependencies: () => dependencies,
    wrapDependencies: (wrap) => {
      dependencies = wrap(dependencies);
    },
    expireDocuments: expire,
    settle: async () => {
      for (let previous = -1; ;) {
        await broker.whenIdle();
        await acs.idle();
        await link.idle();
        const { published } = broker.stats();
        if (published === previous) return;
        previous = published;
      }
    },
    close: closeAll,
  };
}

/** The Cosmos DB the settings name, or else the embedded server started here (and named in the settings). */
async function cosmosConnection(
  options: LocalServiceOptions,
  closers: Array<() => Promise<void>>,
  log: (line: string) => void,
): Promise<{ endpoint: string; key?: string }> {
  const endpoint = process.env["COSMOS_ENDPOINT"];
  if (endpoint) return { endpoint, key: process.env["COSMOS_KEY"] || undefined };
  const cosmos = await startEmbeddedCosmos(options.cosmosPort ?? 8081, { dataDir: options.dataDir, log });
  closers.push(() => cosmos.close());
  process.env["COSMOS_ENDPOINT"] = cosmos.endpoint;
  process.env["COSMOS_KEY"] = cosmos.key;
  log(`embedded Cosmos DB server on ${cosmos.endpoint}`);
  return { endpoint: cosmos.endpoint, key: cosmos.key };
}
