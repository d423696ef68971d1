import { createHash, randomUUID } from "node:crypto";
import type { BulkOrderDocument, BulkPart } from "../domain/bulkOrder";
import type { StoredRecipient } from "../domain/order";
import { bulkLimits, recipientLineSchema } from "../domain/requests/bulkOrder";
import { recipientLineReader, type RecipientFormat } from "../domain/requests/recipientLines";
import { validate } from "../domain/requests/validate";
import { AppError, isAppError } from "../errors";
import type { BulkOrders } from "../ports/bulkOrders";
import type { Clock } from "../ports/clock";
import { recipientPartSize } from "../ports/recipientLists";
import { bulkOrdersOf, requireBulkOrder } from "./steps/tenantScope";

/** One line as the edge read it: its text, or why it has none. */
type UploadedLine = { number: number; text: string } | { number: number; problem: string };

/** One problem of one line: `field` is the line field it concerns, `""` the line as a whole. */
interface LineError {
  line: number;
  field: string;
  message: string;
}

export type UploadOutcome =
  | { kind: "accepted"; part: number; recipients: number; replay: boolean }
  | { kind: "invalid"; part: number; invalidLines: number; lineErrors: LineError[] };

interface UploadDeps {
  bulkOrders: BulkOrders;
  clock: Clock;
}

interface UploadRequest {
  tenant: string;
  orderId: string;
  part: number;
  format: RecipientFormat;
  lines: AsyncIterable<UploadedLine>;
}

/**
 * How long an upload holds its part without writing: a second upload of the part waits (409) while the first
 * is alive, and takes over after this when the first died without letting go.
 */
const partLeaseMs = 2 * 60_000;
/** Recipient parts written per bulk request (10,000 recipients, about a megabyte in memory). */
const partsPerWrite = 10;

/** Reads the bulk order and applies `change` under its ETag, again on a lost race (other parts write it too). */
async function changeBulkOrder(
  deps: UploadDeps,
  tenant: string,
  orderId: string,
  change: (stored: BulkOrderDocument) => Partial<Pick<BulkOrderDocument, "parts">> | undefined,
): Promise<BulkOrderDocument> {
  for (let attempt = 0; ; attempt += 1) {
    const stored = await requireBulkOrder(bulkOrdersOf(deps.bulkOrders, tenant), orderId);
    const changes = change(stored);
    if (changes === undefined) return stored;
    try {
      return await deps.bulkOrders.update(stored, changes);
    } catch (error) {
      if (!isAppError(error, "conflict") || attempt >= 20) throw error;
    }
  }
}

function requireOpen(stored: BulkOrderDocument): void {
  if (stored.state !== "Open") {
    throw new AppError(
      "conflict",
      `The bulk order is ${stored.state.toLowerCase()}: no part can be uploaded.`,
    );
  }
}

function withPart(parts: Record<string, BulkPart>, part: number, value: BulkPart | undefined) {
  const next = { ...parts };
  if (value === undefined) delete next[String(part)];
  else next[String(part)] = value;
  return { parts: next };
}

/** Claims the part for this attempt, or finds it accepted already (then the upload only compares). */
async function claimPart(
  deps: UploadDeps,
  request: UploadRequest,
  attempt: string,
): Promise<BulkPart | undefined> {
  let accepted: BulkPart | undefined;
  await changeBulkOrder(deps, request.tenant, request.orderId, (stored) => {
    requireOpen(stored);
    const current = stored.parts[String(request.part)];
    const now = deps.clock.now();
    if (current?.status === "Accepted") {
      accepted = current;
      return undefined;
    }
    if (current?.status === "Uploading" && Date.parse(current.leaseUntil) > now.getTime()) {
      throw new AppError(
        "conflict",
        `Part ${request.part} is being uploaded by another request; retry when it ends.`,
        {
          retryAfterMs: Date.parse(current.leaseUntil) - now.getTime(),
        },
      );
    }
    const leaseUntil = new Date(now.getTime() + partLeaseMs).toISOString();
    return withPart(stored.parts, request.part, { status: "Uploading", attempt, leaseUntil });
  });
  return accepted;
}

/** Renews this attempt's hold before it writes, so no other upload can have taken the part over. */
async function renewClaim(
  deps: UploadDeps,
  request: UploadRequest,
  attempt: string,
): Promise<BulkOrderDocument> {
  return changeBulkOrder(deps, request.tenant, request.orderId, (stored) => {
    requireOpen(stored);
    const current = stored.parts[String(request.part)];
    if (current?.status !== "Uploading" || current.attempt !== attempt) {
      throw new AppError("conflict", `Part ${request.part} was taken over by another upload.`);
    }
    const leaseUntil = new Date(deps.clock.now().getTime() + partLeaseMs).toISOString();
    return withPart(stored.parts, request.part, { ...current, leaseUntil });
  });
}

/** Lets go of the part after a refused or failed upload, if this attempt still holds it. */
async function releaseClaim(deps: UploadDeps, request: UploadRequest, attempt: string): Promise<void> {
  await changeBulkOrder(deps, request.tenant, request.orderId, (stored) => {
    const current = stored.parts[String(request.part)];
    if (current?.status !== "Uploading" || current.attempt !== attempt) return undefined;
    return withPart(stored.parts, request.part, undefined);
  });
}

/**
 * Validates every line of a part as it streams in and, while all are valid, writes its recipients in
 * recipient parts of 1,000, ten per bulk request, at their place in the order's list (part n starts at
 * (n − 1) × 100,000). Holds only the recipients not yet written. A part with an invalid line is refused
 * whole (the first 100 problems listed, all counted), so the owner fixes the file and uploads the part again.
 *
 * Idempotent per part: an accepted part is not written again; the same recipients uploaded again get the
 * same answer, other recipients a conflict. An upload that broke off leaves its part unclaimed (or claimed
 * until its lease ends), and the next upload replaces what it wrote.
 */
export async function uploadBulkPart(deps: UploadDeps, request: UploadRequest): Promise<UploadOutcome> {
  const { part } = request;
  if (!Number.isInteger(part) || part < 1 || part > bulkLimits.parts) {
    throw new AppError("validation", "The part number is out of range.", {
      errors: { part: [`The part number must be from 1 to ${bulkLimits.parts}.`] },
    });
  }
  const attempt = randomUUID();
  const accepted = await claimPart(deps, request, attempt);
  const stored = await requireBulkOrder(bulkOrdersOf(deps.bulkOrders, request.tenant), request.orderId);
  const writing = accepted === undefined;
  try {
    const outcome = await readPart(deps, request, stored, writing ? attempt : undefined);
    if (outcome.kind === "invalid") {
      if (writing) await releaseClaim(deps, request, attempt);
      return outcome;
    }
    if (!writing) {
      if (accepted.status !== "Accepted" || accepted.sha256 !== outcome.sha256) {
        throw new AppError(
          "conflict",
          `Part ${part} was accepted already with other recipients; an accepted part cannot be replaced.`,
        );
      }
      return { kind: "accepted", part, recipients: accepted.recipients, replay: true };
    }
    const acceptedAt = deps.clock.now().toISOString();
    await changeBulkOrder(deps, request.tenant, request.orderId, (current) => {
      requireOpen(current);
      const held = current.parts[String(part)];
      if (held?.status !== "Uploading" || held.attempt !== attempt) {
        throw new AppError("conflict", `Part ${part} was taken over by another upload.`);
      }
      return withPart(current.parts, part, {
        status: "Accepted",
        recipients: outcome.recipients,
        sha256: outcome.sha256,
        acceptedAt,
      });
    });
    return { kind: "accepted", part, recipients: outcome.recipients, replay: false };
  } catch (error) {
    if (writing) await releaseClaim(deps, request, attempt).catch(() => undefined);
    throw error;
  }
}

type ReadOutcome =
  { kind: "valid"; recipients: number; sha256: string } | Extract<UploadOutcome, { kind: "invalid" }>;

/** Parses and validates the lines; writes the recipients when `attempt` is given and every line so far is valid. */
async function readPart(
  deps: UploadDeps,
  request: UploadRequest,
  stored: BulkOrderDocument,
  attempt: string | undefined,
): Promise<ReadOutcome> {
  const schema = recipientLineSchema({
    email: stored.draft.emailTemplate !== undefined,
    sms: stored.draft.smsTemplate !== undefined,
  });
  const readLine = recipientLineReader(request.format);
  const hash = createHash("sha256");
  const firstIndex = ((request.part - 1) * bulkLimits.partRecipients) / recipientPartSize;
  const draft = { orderId: stored.orderId, requestedSendTime: stored.draft.requestedSendTime };
  const lineErrors: LineError[] = [];
  let invalidLines = 0;
  let recipients = 0;
  let pending: StoredRecipient[] = [];
  let written = 0;

  const write = async (final: boolean) => {
    const full = Math.floor(pending.length / recipientPartSize);
    const count = final ? Math.ceil(pending.length / recipientPartSize) : full;
    if (count === 0 || attempt === undefined || invalidLines > 0) return;
    await renewClaim(deps, request, attempt);
    const parts = Array.from({ length: count }, (_, k) => ({
      index: firstIndex + written + k,
      recipients: pending.slice(k * recipientPartSize, (k + 1) * recipientPartSize),
    }));
    await deps.bulkOrders.replaceRecipientParts(draft, parts);
    written += count;
    pending = pending.slice(count * recipientPartSize);
  };
  const refuse = (line: number, field: string, message: string) => {
    if (lineErrors.length < bulkLimits.reportedLineErrors) lineErrors.push({ line, field, message });
  };

  for await (const line of request.lines) {
    if ("problem" in line) {
      invalidLines += 1;
      refuse(line.number, "", line.problem);
      continue;
    }
    const content = readLine(line.text);
    if (content.kind === "none") continue;
    if (content.kind === "problem") {
      invalidLines += 1;
      refuse(line.number, "", content.message);
      continue;
    }
    recipients += 1;
    if (recipients > bulkLimits.partRecipients) {
      throw new AppError("validation", "The part holds too many recipients.", {
        errors: {
          "": [`A part holds at most ${bulkLimits.partRecipients} recipients (line ${line.number}).`],
        },
      });
    }
    const result = validate(schema, content.fields, { now: deps.clock.now() });
    if (!result.ok) {
      invalidLines += 1;
      for (const [field, messages] of Object.entries(result.errors))
        for (const message of messages) refuse(line.number, field, message);
      continue;
    }
    hash.update(`${JSON.stringify(result.value)}\n`);
    if (invalidLines > 0) continue;
    pending.push(result.value);
    if (pending.length >= partsPerWrite * recipientPartSize) await write(false);
  }
  if (invalidLines > 0) return { kind: "invalid", part: request.part, invalidLines, lineErrors };
  if (recipients === 0) {
    throw new AppError("validation", "The part holds no recipients.", {
      errors: { "": ["A part must hold at least one recipient line."] },
    });
  }
  await write(true);
  return { kind: "valid", recipients, sha256: hash.digest("hex") };
}
