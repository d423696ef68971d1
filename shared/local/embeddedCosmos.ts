import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { errorMessage, isRecord } from "../narrowing";
import { listeningPort } from "./serverIo";
import Account from "@vercel/cosmosdb-server/lib/account";
import routes from "@vercel/cosmosdb-server/lib/routes";
import { answerExpiry, expiryRoute } from "./expireDocuments";
import { enforceIndexingPolicy } from "./indexCoverage";
import { useLinearQueryEngine } from "./linearQueryEngine";
import { usePartitionScopedQueries, withRequestPartition } from "./partitionScopedQueries";
import { useValueLookups } from "./valueLookups";
import { openCosmosStore, type CosmosStore, type CosmosStoreOptions } from "./persistence/cosmosStore";

/** The embedded server does not check keys; the SDK still needs one to sign requests. */
export const embeddedCosmosKey = "bG9jYWwtY29zbW9zLWtleQ==";

export interface EmbeddedCosmos {
  endpoint: string;
  /** The embedded server does not check keys; the SDK still needs one to sign requests. */
  key: string;
  /** The folder the data is kept in, or undefined when it lives in memory only. */
  dataDir?: string;
  close(): Promise<void>;
}

export interface EmbeddedCosmosOptions extends CosmosStoreOptions {
  /** Keep the data in this folder across restarts (a journal written before each response); memory only if unset. */
  dataDir?: string;
}

type RouteHandler = (
  account: Account,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => unknown;

/** How long an idle connection stays open (Node's default is 5 s); announced in every response. */
const keepAliveSeconds = 60;

/** The constant query metrics the package reports when asked for them. */
const queryMetrics =
  "totalExecutionTimeInMs=0.00;queryCompileTimeInMs=0.00;queryLogicalPlanBuildTimeInMs=0.00;" +
  "queryPhysicalPlanBuildTimeInMs=0.00;queryOptimizationTimeInMs=0.00;VMExecutionTimeInMs=0.00;" +
  "indexLookupTimeInMs=0.00;documentLoadTimeInMs=0.00;systemFunctionExecuteTimeInMs=0.00;" +
  "userFunctionExecuteTimeInMs=0.00;retrievedDocumentCount=0;retrievedDocumentSize=0;outputDocumentCount=1;" +
  "outputDocumentSize=0;writeOutputTimeInMs=0.00;indexUtilizationRatio=0.00";

/**
 * The request handler of @vercel/cosmosdb-server's `createHttpServer({ keepAlive: true })`, line for line,
 * over an `Account` we create: the package keeps its account in a closure, and persistence needs to reach it.
 */
function handle(account: Account, req: IncomingMessage, res: ServerResponse): void {
  if (req.method === "POST" && req.url === expiryRoute) return answerLocally(answerExpiry(account, req), res);
  // The package types its route table any[]; this is the pair its own server reads from it.
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above
  const route = routes(req) as [Record<string, string>, RouteHandler] | undefined;
  void (async () => {
    let body: unknown;
    if (route) {
      const [params, handler] = route;
      try {
        body = await withRequestPartition(req, () => handler(account, req, res, params));
      } catch (error) {
        console.error(error); // as the package does: a 500 here is a server bug worth seeing
        body = { message: errorMessage(error) };
        res.statusCode = 500;
      }
      if (res.statusCode > 399 && isRecord(body) && !body["message"]) body["message"] = "";
    } else {
      res.statusCode = 400;
      body = { message: "no route" };
    }
    const etag = isRecord(body) ? body["_etag"] : undefined;
    if (typeof etag === "string" && etag) res.setHeader("etag", etag);
    res.setHeader("content-type", "application/json");
    res.setHeader("content-location", `https://${req.headers.host}${req.url}`);
    res.setHeader("connection", "keep-alive");
    // Tells the SDK's agent when an idle connection closes, so it retires it a second before (Node does this
    // from the hint). Without the hint a connection reused just as the server closes it is reset, and a
    // create that fails that way is a 503 (seen under load: an idle pool after a burst).
    res.setHeader("keep-alive", `timeout=${keepAliveSeconds}`);
    res.setHeader("x-ms-activity-id", randomUUID());
    res.setHeader("x-ms-request-charge", "1");
    if (req.headers["x-ms-documentdb-populatequerymetrics"]) {
      res.setHeader("x-ms-documentdb-query-metrics", queryMetrics);
    }
    if (req.headers["a-im"] && res.statusCode === 200) {
      if (req.headers["if-none-match"]) res.statusCode = 304;
      res.setHeader("etag", "1");
    }
    res.end(JSON.stringify(body));
  })().catch((error: unknown) => {
    console.error(error);
    if (!res.writableEnded) {
      res.statusCode = 500;
      res.end("");
    }
  });
}

/** Answers a request of local mode's own (not a Cosmos DB one) once `answer` is known. */
function answerLocally(answer: Promise<{ status: number; body: unknown }>, res: ServerResponse): void {
  answer
    .catch((error: unknown) => {
      console.error(error);
      return { status: 500, body: { message: errorMessage(error) } };
    })
    .then(({ status, body }) => {
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
    }, console.error);
}

/**
 * Starts @vercel/cosmosdb-server on loopback (http, keep-alive) for local mode and tests. With `dataDir`,
 * the data written before is restored first, and every write is journaled there before it is answered.
 */
export async function startEmbeddedCosmos(
  port = 0,
  options: EmbeddedCosmosOptions = {},
): Promise<EmbeddedCosmos> {
  // The request listener comes once the account exists (its metadata names the port, and it may first be
  // restored from disk); it is attached before the event loop turns again, so no request can come first.
  useLinearQueryEngine();
  usePartitionScopedQueries();
  useValueLookups();
  enforceIndexingPolicy();
  const server: Server = createServer({ keepAlive: true });
  server.keepAliveTimeout = keepAliveSeconds * 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actualPort = listeningPort(server);
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const account = new Account("127.0.0.1", actualPort);
  let store: CosmosStore | undefined;
  try {
    if (options.dataDir) store = openCosmosStore(options.dataDir, account, options);
  } catch (error) {
    await close();
    throw error;
  }
  server.on("request", (req: IncomingMessage, res: ServerResponse) => handle(account, req, res));
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    key: embeddedCosmosKey,
    ...(store ? { dataDir: store.dir } : {}),
    close: async () => {
      await close();
      store?.close();
    },
  };
}
