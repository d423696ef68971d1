import {
  BulkOperationType,
  type Container,
  type JSONObject,
  type OperationInput,
  type OperationResponse,
} from "@azure/cosmos";
import { chunksOf } from "../../chunks";
import { AppError, transient } from "../../errors";
import { mapCosmosError, statusOfCosmosError } from "./errors";

/** One write of a bulk request; every kind here is safe to repeat. */
type BulkWrite =
  | { kind: "create"; body: object }
  | { kind: "upsert"; body: object }
  | { kind: "replace"; id: string; partitionKey: string; ifMatch: string; body: object };

/** A per-write result the caller decides on; anything else fails the whole call. */
type BulkOutcome = "done" | "exists" | "changed" | "missing";

/** The SDK takes at most this many operations per bulk call. */
const maxOperationsPerCall = 100;

const outcomeOf: Partial<Record<number, BulkOutcome>> = {
  200: "done",
  201: "done",
  204: "done",
  409: "exists",
  412: "changed",
  404: "missing",
};

/** Our documents are JSON by construction (zod-parsed plain objects); the SDK's type cannot say so. */
function json(body: object): JSONObject {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above: no type says "JSON-only"
  return body as JSONObject;
}

function operationOf(write: BulkWrite): OperationInput {
  if (write.kind === "create")
    return { operationType: BulkOperationType.Create, resourceBody: json(write.body) };
  if (write.kind === "upsert")
    return { operationType: BulkOperationType.Upsert, resourceBody: json(write.body) };
  return {
    operationType: BulkOperationType.Replace,
    id: write.id,
    partitionKey: write.partitionKey,
    ifMatch: write.ifMatch,
    resourceBody: json(write.body),
  };
}

/** What the judges read of an operation's result. */
type OperationResult = Pick<OperationResponse, "statusCode" | "resourceBody" | "eTag">;

/** The statuses an operation answers with rather than failing: the judges decide on them. */
const answeredStatuses = new Set([404, 409, 412]);

/**
 * One operation as the single request it is: Cosmos DB bills it the same as in a bulk request, and the SDK
 * does less for it (no routing by partition-key hash, no batch framing). A delivery report posted alone
 * reads and writes one document at each step.
 */
async function runOne(
  container: Container,
  operation: OperationInput,
  what: string,
): Promise<OperationResult> {
  try {
    const type = operation.operationType;
    if (type === BulkOperationType.Create || type === BulkOperationType.Upsert) {
      const { statusCode, etag } =
        type === BulkOperationType.Create
          ? await container.items.create(operation.resourceBody)
          : await container.items.upsert(operation.resourceBody);
      return { statusCode, eTag: etag };
    }
    if (type === BulkOperationType.Replace) {
      const { statusCode } = await container
        .item(operation.id, operation.partitionKey)
        .replace(operation.resourceBody, {
          ...(operation.ifMatch
            ? { accessCondition: { type: "IfMatch", condition: operation.ifMatch } }
            : {}),
        });
      return { statusCode };
    }
    if (type === BulkOperationType.Read) {
      // A missing document is an answer here (404, no resource), not a thrown error.
      const { statusCode, resource } = await container
        .item(operation.id, operation.partitionKey)
        .read<JSONObject>();
      return { statusCode, resourceBody: resource };
    }
    // mapCosmosError passes an AppError through unchanged: this is a bug, never a transient failure.
    throw new AppError("permanent", `${what}: no single request for a ${type} operation`);
  } catch (error) {
    const status = statusOfCosmosError(error);
    if (status !== undefined && answeredStatuses.has(status)) return { statusCode: status };
    throw mapCosmosError(error, what);
  }
}

/**
 * Sends operations through the SDK's bulk API, 100 to a request, judging each request's results before the
 * next is sent; a failed request, or a result the judge throws on, fails the call. A single operation goes
 * as a single request (`runOne`).
 */
async function inChunks<T>(
  container: Container,
  operations: OperationInput[],
  what: string,
  judge: (result: OperationResult) => T[],
): Promise<T[]> {
  const [only] = operations;
  if (operations.length === 1 && only) return judge(await runOne(container, only, what));
  const judged: T[] = [];
  for (const chunk of chunksOf(operations, maxOperationsPerCall)) {
    let results: OperationResponse[];
    try {
      results = await container.items.bulk(chunk, { continueOnError: true });
    } catch (error) {
      throw mapCosmosError(error, what);
    }
    for (const result of results) judged.push(...judge(result));
  }
  return judged;
}

/**
 * Runs writes through the SDK's bulk API: many per request, each billed and judged on its own (not
 * atomic). A throttled or failed write fails the call as transient, so the caller's message is retried;
 * every write kind here is safe to repeat (create-if-absent, ETag-conditioned replace, upsert).
 */
export async function runBulk(
  container: Container,
  writes: BulkWrite[],
  what: string,
): Promise<BulkOutcome[]> {
  return inChunks(container, writes.map(operationOf), what, (result) => {
    const outcome = outcomeOf[result.statusCode];
    if (!outcome)
      throw transient(`${what}: Cosmos DB answered ${result.statusCode} to one write of a bulk request`);
    return [outcome];
  });
}

/**
 * Creates each document unless one with its id exists (as `runBulk`'s creates), and says what became of each,
 * in order: the new document's ETag, or undefined where one existed already.
 */
export async function createEach(
  container: Container,
  bodies: object[],
  what: string,
): Promise<Array<string | undefined>> {
  const creates = bodies.map((body) => operationOf({ kind: "create", body }));
  return inChunks(container, creates, what, (result) => {
    if (result.statusCode === 409) return [undefined];
    if (result.statusCode !== 201 || !result.eTag)
      throw transient(`${what}: Cosmos DB answered ${result.statusCode} to one create of a bulk request`);
    return [result.eTag];
  });
}

/**
 * Point reads of many documents, up to 100 per request through the bulk API (SDK 4.9 has no
 * `items.readMany`): one round trip instead of one per document, each read billed as a point read. Absent
 * documents are left out; the caller parses what is returned.
 */
export async function readMany(
  container: Container,
  keys: Array<{ id: string; partitionKey: string }>,
  what: string,
): Promise<unknown[]> {
  const operations = keys.map(({ id, partitionKey }): OperationInput => ({
    operationType: BulkOperationType.Read,
    id,
    partitionKey,
  }));
  return inChunks(container, operations, what, (result) => {
    if (result.statusCode === 404) return [];
    if (result.statusCode !== 200 || result.resourceBody === undefined)
      throw transient(`${what}: Cosmos DB answered ${result.statusCode} to one read of a bulk request`);
    return [result.resourceBody];
  });
}
