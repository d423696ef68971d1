import type { StatusFeed, StatusFeedEntry, StatusFeedQuery } from "../ports/statusFeed";

/**
 * `GET future/shipment/feed`: a page of the caller's own status feed after an exclusive cursor (the feed is
 * kept per organisation; no other organisation's entry is read).
 */
export function readStatusFeed(
  deps: { statusFeed: StatusFeed },
  tenant: string,
  page: Omit<StatusFeedQuery, "creator">,
): Promise<StatusFeedEntry[]> {
  return deps.statusFeed.read({ ...page, creator: tenant });
}
