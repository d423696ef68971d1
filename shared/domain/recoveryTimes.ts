/**
 * How long the pipeline waits before it treats work as lost and the sweeper re-drives it from the store.
 * Each is longer than the work normally takes, so a slow worker is not raced, and short enough that a lost
 * message or a dead process delays an order by minutes, not until its expiry.
 */

/** A release claim holds this long; then the order is released again (its process message may be lost). */
export const releaseLeaseMs = 10 * 60_000;

/**
 * An order's create can land this long after its request read the clock (a slow or retried write, clocks of
 * two instances apart). The release cursor stays this far behind the sweep's now, so an order registered just
 * before its send time, and stored after a sweep read past that time, is still ahead of the cursor.
 */
export const releaseSettleMs = 30_000;

/** An instant order is created already claimed, for long enough to send while the caller waits. */
export const instantLeaseMs = 2 * 60_000;

/**
 * A New notification not taken this long after its send time has lost its send message (or the queue is far
 * behind): the sweeper publishes it again. The send is claimed under an ETag, so a late message sends nothing twice.
 */
export const lostSendGraceMs = 5 * 60_000;

/**
 * A send that stayed in Sending this long was interrupted between claiming it and recording the provider's
 * answer (the worker died); it is taken again rather than left to expire unsent. A send in progress cannot
 * last this long: the provider call gives up after 30 s (both adapters' timeouts) and recording its answer
 * retries for under 5 s; and it is longer than the one-minute queue lock, after which a redelivery finds it.
 */
export const abandonedSendMs = 2 * 60_000;

/** A status-feed entry not confirmed this long after its transition is appended by the sweeper. */
export const feedConfirmGraceMs = 60_000;

/** Retry-After when a provider gives none: long enough not to hammer a provider that is down. */
export const defaultProviderRetryMs = 60_000;
