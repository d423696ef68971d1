import type { SendingTimePolicy } from "./order";
import { nextSendTime, type SendingWindow } from "./sendingWindow";

/** Regular (non-instant) notifications live 48 h; Altinn does not let service owners change this. */
export const notificationTimeToLiveMs = 48 * 60 * 60 * 1000;

/**
 * A notification still without a final status is terminated (Failed_TTL) only once its expiry is this far in
 * the past, so a delivery report that arrives just after the expiry still wins (Altinn: ExpiryOffsetSeconds).
 */
export const expiryGraceSeconds = 300;

interface NotificationExpiryInput {
  channel: "email" | "sms";
  policy: SendingTimePolicy;
  requestedSendTime: Date;
  window: SendingWindow;
  /** Instant SMS: the validity the service owner chose replaces the 48 h. */
  timeToLiveSeconds?: number;
}

/**
 * When a regular notification expires (Altinn §2.7): 48 h after the time it will actually be sent. For
 * `Daytime` that is the start of the window the message will go out in, so an SMS ordered Saturday 22:00
 * lives until Wednesday 09:00 (Monday 09:00 + 48 h) instead of dying before the scheduler may send it.
 *
 * The anchor is the requested send time, not the processing time, as in Altinn. The channel does not change
 * the result today (email is Anytime-only in the API, and both channels use 48 h); it is taken so callers
 * state what they expire and a per-channel TTL can be added here alone.
 */
export function notificationExpiry({
  policy,
  requestedSendTime,
  window,
  timeToLiveSeconds,
}: NotificationExpiryInput): Date {
  const sendTime = nextSendTime(requestedSendTime, policy, window);
  const timeToLiveMs = timeToLiveSeconds === undefined ? notificationTimeToLiveMs : timeToLiveSeconds * 1000;
  return new Date(sendTime.getTime() + timeToLiveMs);
}

/** True once a notification with this expiry may be terminated as Failed_TTL (strictly after the grace). */
export function isDueForTermination(expiry: Date, now: Date): boolean {
  return now.getTime() > expiry.getTime() + expiryGraceSeconds * 1000;
}
