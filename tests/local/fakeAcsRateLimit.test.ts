import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcsEmailSender } from "../../shared/adapters/acs/acsEmailSender";
import { isAppError } from "../../shared/errors";
import { startFakeAcs, type FakeAcs } from "../../shared/local/fakeAcs";
import { Outbox } from "../../shared/local/outbox";
import { ManualClock } from "./manualClock";

const clock = new ManualClock("2026-12-04T10:00:00.000Z");
let acs: FakeAcs;
let sender: AcsEmailSender;

beforeAll(async () => {
  acs = await startFakeAcs({ outbox: new Outbox(), rateLimitPerSecond: 5, now: () => clock.now() });
  sender = new AcsEmailSender({
    endpoint: acs.endpoint,
    accessKey: acs.accessKey,
    allowInsecureConnection: true,
  });
});
afterAll(() => acs.close());

const send = () =>
  sender.send({
    notificationId: randomUUID(),
    from: "noreply@varsel.example",
    to: "kari.nordmann@example.no",
    subject: "Vedtak",
    body: "Du har fått et vedtak.",
    contentType: "Plain",
  });

describe("the local ACS endpoint with a rate limit", () => {
  it("answers 429 with Retry-After above its rate, which the sender reports as a throttled, transient failure", async () => {
    for (let i = 0; i < 5; i += 1) expect((await send()).outcome).toBe("accepted");
    const refused = await send().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isAppError(refused, "transient") && refused.details).toMatchObject({
      throttled: true,
      retryAfterMs: 1_000,
    });
    expect(acs.throttledCount()).toBe(1);
    // One token accrues every 200 ms at 5 a second.
    clock.advance(200);
    expect((await send()).outcome).toBe("accepted");
  });
});
