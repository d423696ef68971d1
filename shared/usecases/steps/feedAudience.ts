import type { Clock } from "../../ports/clock";
import type { FeedAudience } from "../../ports/feedAudience";
import type { WebhookStore } from "../../ports/webhooks";

/** Every tenant's feed lists every transition (STATUS_FEED_TRANSITIONS=all). */
export const everyTenant: FeedAudience = {
  listsTransitions: async () => true,
  subscriptionsChanged: () => {},
};

/**
 * How long an instance trusts what it read: a new `order.status` subscription gets every transition at once
 * from the instance that registered it, and from the others at most this long after. One query a minute per
 * tenant instead of one per transition.
 */
const rememberedMs = 60_000;

/**
 * The feed lists transitions for a tenant with an `order.status` webhook subscription (paused ones included:
 * resumed, they deliver what was written meanwhile), since the webhooks deliver the feed's entries. The
 * feed of any other tenant holds final outcomes only, as Altinn's does.
 */
export class SubscribedTenants implements FeedAudience {
  private readonly known = new Map<string, { lists: Promise<boolean>; until: number }>();

  constructor(
    private readonly webhooks: Pick<WebhookStore, "listSubscriptions">,
    private readonly clock: Clock,
  ) {}

  listsTransitions(tenant: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const remembered = this.known.get(tenant);
    if (remembered && remembered.until > now) return remembered.lists;
    const lists = this.webhooks
      .listSubscriptions(tenant)
      .then((subscriptions) => subscriptions.some((s) => s.events.includes("order.status")));
    // A failed read is not remembered: the next transition asks again.
    lists.catch(() => this.known.delete(tenant));
    this.known.set(tenant, { lists, until: now + rememberedMs });
    return lists;
  }

  subscriptionsChanged(tenant: string): void {
    this.known.delete(tenant);
  }
}
