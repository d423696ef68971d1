/**
 * Whose status feed lists every status change of an order (Processing, Processed, Cancelled), not only the
 * final outcomes Altinn's feed lists. Each transition entry is a store write, so it is written only for a
 * tenant that reads it.
 */
export interface FeedAudience {
  listsTransitions(tenant: string): Promise<boolean>;
  /** The tenant's subscriptions changed in this instance: the next transition asks again. */
  subscriptionsChanged(tenant: string): void;
}
