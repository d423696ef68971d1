/**
 * The outbox kept in a file: what the local ACS endpoint and LINK gateway captured is there after a restart,
 * once, and `clear` (DELETE /local/outbox) empties the file too.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AcsEmailSender } from "../../shared/adapters/acs/acsEmailSender";
import { startFakeAcs } from "../../shared/local/fakeAcs";
import { Outbox, type CaptureInput } from "../../shared/local/outbox";

let path: string;

const sms = (body: string): CaptureInput => ({
  channel: "sms",
  to: "+4798765432",
  from: "Varsel",
  body,
  reference: randomUUID(),
});

/** What a fresh start on the file finds. */
function reopened(channel?: "email" | "sms") {
  const outbox = new Outbox(undefined, { path });
  const messages = outbox.list(channel);
  outbox.close();
  return messages;
}

beforeEach(() => {
  path = join(mkdtempSync(join(tmpdir(), "varsel-outbox-")), "outbox.ndjson");
});
afterEach(() => rmSync(join(path, ".."), { recursive: true, force: true }));

describe("Outbox kept in a file", () => {
  it("has every capture after a restart, once, in order", () => {
    const outbox = new Outbox(undefined, { path });
    outbox.record(sms("first"));
    outbox.record(sms("second"));
    const before = outbox.list();
    outbox.close();

    const again = new Outbox(undefined, { path });
    again.record(sms("third"));

    expect(again.list().slice(0, 2)).toEqual(before);
    expect(again.list().map((m) => m.body)).toEqual(["first", "second", "third"]);
    expect(again.findByReference(before[1]!.reference)?.body).toBe("second");
    again.close();
  });

  it("keeps the latest captures in memory up to its capacity, counts them all, and the file keeps them all", () => {
    const outbox = new Outbox(undefined, { path, capacity: 3 });
    const references = ["a", "b", "c", "d", "e"].map((body) => outbox.record(sms(body)).reference);

    expect(outbox.list().map((m) => m.body)).toEqual(["c", "d", "e"]);
    expect(outbox.count()).toBe(5);
    expect(outbox.findByReference(references[0]!)).toBeUndefined();
    expect(outbox.findByReference(references[4]!)?.body).toBe("e");
    outbox.close();

    expect(reopened().map((m) => m.body)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("clear empties the file as well", () => {
    const outbox = new Outbox(undefined, { path });
    outbox.record(sms("gone"));
    outbox.clear();
    outbox.record(sms("kept"));
    outbox.close();

    expect(reopened().map((m) => m.body)).toEqual(["kept"]);
  });

  it("drops a torn last line and appends after it cleanly", () => {
    const outbox = new Outbox(undefined, { path });
    outbox.record(sms("whole"));
    outbox.close();
    appendFileSync(path, '{"channel":"sms","to":"+47');

    const again = new Outbox(undefined, { path });
    again.record(sms("next"));
    again.close();

    expect(reopened().map((m) => m.body)).toEqual(["whole", "next"]);
    expect(readFileSync(path, "utf8").endsWith("}\n")).toBe(true);
  });

  it("an ACS send repeated after a restart (same operation id) is not captured twice", async () => {
    const message = {
      notificationId: randomUUID(),
      from: "noreply@varsel.example",
      to: "kari.nordmann@example.no",
      subject: "Vedtak",
      body: "Du har fått et vedtak.",
      contentType: "Plain" as const,
    };
    const sendOnce = async () => {
      const outbox = new Outbox(undefined, { path });
      const acs = await startFakeAcs({ outbox });
      const sender = new AcsEmailSender({
        endpoint: acs.endpoint,
        accessKey: acs.accessKey,
        allowInsecureConnection: true,
      });
      const outcome = await sender.send(message);
      await acs.idle();
      await acs.close();
      outbox.close();
      return outcome;
    };

    const first = await sendOnce();
    const second = await sendOnce();

    expect(second).toEqual(first);
    expect(reopened("email")).toHaveLength(1);
  });
});
