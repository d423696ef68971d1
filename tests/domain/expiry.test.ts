import { describe, expect, it } from "vitest";
import {
  expiryGraceSeconds,
  isDueForTermination,
  notificationExpiry,
  notificationTimeToLiveMs,
} from "../../shared/domain/expiry";
import { defaultSendingWindow, type SendingWindow } from "../../shared/domain/sendingWindow";

const hours = (count: number) => count * 3_600_000;
const expiry = (
  channel: "email" | "sms",
  policy: "Anytime" | "Daytime",
  requested: string,
  window: SendingWindow = defaultSendingWindow,
) => notificationExpiry({ channel, policy, requestedSendTime: new Date(requested), window }).toISOString();

describe("notification expiry (Altinn §2.7)", () => {
  it("is 48 hours, with a 300 s grace before termination", () => {
    expect(notificationTimeToLiveMs).toBe(hours(48));
    expect(expiryGraceSeconds).toBe(300);
  });

  it("email: requested send time + 48 h, even on a Saturday night", () => {
    expect(expiry("email", "Anytime", "2025-11-29T22:00:00+01:00")).toBe("2025-12-01T21:00:00.000Z");
  });

  it("SMS Anytime: requested send time + 48 h, even on a Saturday night", () => {
    expect(expiry("sms", "Anytime", "2025-11-29T22:00:00+01:00")).toBe("2025-12-01T21:00:00.000Z");
  });

  it.each([
    ["inside the window → + 48 h", "2025-11-25T10:15:00+01:00", "2025-11-27T09:15:00.000Z"],
    ["at 09:00 exactly → 09:00 + 48 h", "2025-11-25T09:00:00+01:00", "2025-11-27T08:00:00.000Z"],
    ["before 09:00 → same day 09:00 + 48 h", "2025-11-25T06:00:00+01:00", "2025-11-27T08:00:00.000Z"],
    // Altinn writes this as "same day 09:00 + 72 h"; on a working day it is the same instant.
    ["after 17:00 → next day 09:00 + 48 h", "2025-11-25T22:00:00+01:00", "2025-11-28T08:00:00.000Z"],
    ["at 17:00 exactly → next day 09:00 + 48 h", "2025-11-25T17:00:00+01:00", "2025-11-28T08:00:00.000Z"],
    ["Saturday 22:00 → Monday 09:00 + 48 h", "2025-11-29T22:00:00+01:00", "2025-12-03T08:00:00.000Z"],
    [
      "Maundy Thursday evening → Tuesday 09:00 + 48 h",
      "2025-04-17T18:00:00+02:00",
      "2025-04-24T07:00:00.000Z",
    ],
    [
      "Friday evening before spring-forward → Monday 09:00 CEST + 48 h",
      "2026-03-27T18:00:00+01:00",
      "2026-04-01T07:00:00.000Z",
    ],
  ])("SMS Daytime: %s", (_label, requested, expected) => {
    expect(expiry("sms", "Daytime", requested)).toBe(expected);
  });

  it("matches Altinn's 'same day 09:00 + 72 h' after 17:00 when configured like Altinn (every day)", () => {
    const altinnLike = { ...defaultSendingWindow, workingDaysOnly: false, holidays: "none" as const };
    const requested = "2025-11-29T22:00:00+01:00"; // a Saturday: Altinn sends on Sunday
    const sameDayNine = Date.parse("2025-11-29T09:00:00+01:00");
    expect(expiry("sms", "Daytime", requested, altinnLike)).toBe(
      new Date(sameDayNine + hours(72)).toISOString(),
    );
  });

  it("anchors a Daytime email to the window too, so it never expires before it may be sent", () => {
    expect(expiry("email", "Daytime", "2025-11-29T22:00:00+01:00")).toBe("2025-12-03T08:00:00.000Z");
  });
});

describe("isDueForTermination", () => {
  const expiresAt = new Date("2025-11-27T08:00:00.000Z");
  const after = (ms: number) => new Date(expiresAt.getTime() + ms);

  it("waits out the full grace after the expiry", () => {
    expect(isDueForTermination(expiresAt, after(-1))).toBe(false);
    expect(isDueForTermination(expiresAt, after(0))).toBe(false);
    expect(isDueForTermination(expiresAt, after(300_000))).toBe(false);
  });

  it("terminates once expiry + 300 s has passed", () => {
    expect(isDueForTermination(expiresAt, after(300_001))).toBe(true);
    expect(isDueForTermination(expiresAt, after(hours(24)))).toBe(true);
  });
});
