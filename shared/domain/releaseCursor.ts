import { z } from "zod";

/** An order's place in release order: its send time, then its id. */
const releasePositionSchema = z.object({ requestedSendTime: z.string(), id: z.string() });
export type ReleasePosition = z.infer<typeof releasePositionSchema>;

/**
 * How far the sweeper has released due orders, and a trail of where it stood when: a mark a minute at most
 * (the newest one moves with the cursor until a minute has passed), back to the first mark a lease old. An
 * order up to that mark was released at least a lease ago: if it is still Registered, its process message was
 * lost. A due time says nothing of that: an order overdue by an hour is released now after an outage, and
 * must not count as lost at the next sweep.
 */
export const releaseCursorSchema = z.object({
  position: releasePositionSchema,
  trail: z.array(z.object({ position: releasePositionSchema, at: z.string() })),
  /**
   * How far the lost-release check has looked at orders released a lease ago or more (sweepOrders): each is
   * looked at once, since an order its notification holds stays Registered once done (domain/heldOrders.ts).
   */
  checked: releasePositionSchema.optional(),
});
export type ReleaseCursorState = z.infer<typeof releaseCursorSchema>;

const markSpacingMs = 60_000;

/** An order's place in release order. */
export function positionOf(order: ReleasePosition): ReleasePosition {
  return { requestedSendTime: order.requestedSendTime, id: order.id };
}

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Release order, as the store sorts it: send time, then id. */
const compare = (a: ReleasePosition, b: ReleasePosition) =>
  ordinal(a.requestedSendTime, b.requestedSendTime) || ordinal(a.id, b.id);

/**
 * Where the cursor may move after releasing up to `released`: no further back than it was, and no further
 * than `settledUpTo` (send times before it), so an order stored late with a send time after that is read by a
 * later sweep. An order released beyond it is read again by the next sweep only while it is still Registered.
 */
export function nextPosition(
  current: ReleasePosition | undefined,
  released: ReleasePosition,
  settledUpTo: Date,
): ReleasePosition {
  const bound = { requestedSendTime: settledUpTo.toISOString(), id: "" };
  const capped = compare(released, bound) <= 0 ? released : bound;
  return current && compare(current, capped) >= 0 ? current : capped;
}

/** The cursor moved to `to` at `now`, with its trail kept back to the first mark older than `keepMs`. */
export function movedCursor(
  current: ReleaseCursorState | undefined,
  to: ReleasePosition,
  now: Date,
  keepMs: number,
): ReleaseCursorState {
  const trail = [...(current?.trail ?? [])];
  const last = trail.at(-1);
  if (last && Date.parse(last.at) > now.getTime() - markSpacingMs) trail.pop();
  trail.push({ position: to, at: now.toISOString() });
  const cutoff = now.getTime() - keepMs;
  const firstKept = trail.findLastIndex((mark) => Date.parse(mark.at) <= cutoff);
  return {
    position: to,
    trail: firstKept > 0 ? trail.slice(firstKept) : trail,
    ...(current?.checked ? { checked: current.checked } : {}),
  };
}

/** Where the cursor stood at `cutoff` (the newest mark made by then): every order up to it was released. */
export function positionAt(cursor: ReleaseCursorState, cutoff: Date): ReleasePosition | undefined {
  return cursor.trail.findLast((mark) => Date.parse(mark.at) <= cutoff.getTime())?.position;
}
