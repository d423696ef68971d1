import { describe, expect, it } from "vitest";
import {
  movedCursor,
  nextPosition,
  positionAt,
  type ReleaseCursorState,
} from "../../shared/domain/releaseCursor";

const leaseMs = 10 * 60_000;
const at = (minutes: number) => new Date(Date.parse("2026-12-07T09:00:00.000Z") + minutes * 60_000);
const position = (id: string) => ({ requestedSendTime: "2026-12-07T08:00:00.000Z", id });

/** The cursor moved to order `id` at each of the minutes, in turn. */
function movedAt(moves: Array<[string, number]>): ReleaseCursorState {
  let cursor: ReleaseCursorState | undefined;
  for (const [id, minute] of moves) cursor = movedCursor(cursor, position(id), at(minute), leaseMs);
  return cursor!;
}

describe("the release cursor's trail", () => {
  it("says where the cursor stood a lease ago, so only orders released that long ago count as lost", () => {
    const cursor = movedAt([
      ["a", 0],
      ["b", 4],
      ["c", 9],
    ]);
    expect(cursor.position).toEqual(position("c"));
    expect(positionAt(cursor, at(-1))).toBeUndefined();
    expect(positionAt(cursor, at(0))).toEqual(position("a"));
    expect(positionAt(cursor, at(5))).toEqual(position("b"));
    expect(positionAt(cursor, at(30))).toEqual(position("c"));
  });

  it("keeps how far the check for lost releases has looked as the cursor moves on", () => {
    const checked = { ...movedAt([["a", 0]]), checked: position("a") };
    expect(movedCursor(checked, position("b"), at(1), leaseMs).checked).toEqual(position("a"));
    expect(movedAt([["a", 0]]).checked).toBeUndefined();
  });

  it("keeps a mark a minute at most, never claiming a position was reached before it was", () => {
    const cursor = movedAt([
      ["a", 0],
      ["b", 0.2],
      ["c", 0.5],
      ["d", 1.6],
    ]);
    expect(cursor.trail.map((mark) => mark.position.id)).toEqual(["c", "d"]);
    expect(positionAt(cursor, at(0.4))).toBeUndefined();
    expect(positionAt(cursor, at(0.5))).toEqual(position("c"));
  });

  it("forgets marks older than the newest one a lease old, so the document stays small", () => {
    const moves = Array.from({ length: 120 }, (_, minute): [string, number] => [`o${minute}`, minute]);
    const cursor = movedAt(moves);
    expect(cursor.trail).toHaveLength(11);
    expect(positionAt(cursor, at(119 - 10))).toEqual(position("o109"));
  });

  it("moves the cursor no further than the settled send times, and never back", () => {
    const settled = at(0);
    const early = { requestedSendTime: at(-1).toISOString(), id: "b" };
    const late = { requestedSendTime: at(1).toISOString(), id: "a" };
    expect(nextPosition(undefined, early, settled)).toEqual(early);
    expect(nextPosition(undefined, late, settled)).toEqual({
      requestedSendTime: settled.toISOString(),
      id: "",
    });
    expect(nextPosition(late, early, settled)).toBe(late);
  });
});
