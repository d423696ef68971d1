import type { Database } from "@azure/cosmos";
import { CosmosBulkOrders, CosmosNotificationCounts } from "../../shared/adapters/cosmos/cosmosBulkOrders";
import { CosmosDeadDeliveryReports } from "../../shared/adapters/cosmos/cosmosDeadDeliveryReports";
import { CosmosDeliveryReferenceStore } from "../../shared/adapters/cosmos/cosmosDeliveryReferenceStore";
import { CosmosNotificationStore } from "../../shared/adapters/cosmos/cosmosNotificationStore";
import { CosmosOrderStore } from "../../shared/adapters/cosmos/cosmosOrderStore";
import { CosmosPersonalDataErasure } from "../../shared/adapters/cosmos/cosmosPersonalDataErasure";
import { CosmosRecipientLists } from "../../shared/adapters/cosmos/cosmosRecipientLists";
import { CosmosSendBatches } from "../../shared/adapters/cosmos/cosmosSendBatches";
import { CosmosSendPacer } from "../../shared/adapters/cosmos/cosmosSendPacer";
import { CosmosStatusFeed } from "../../shared/adapters/cosmos/cosmosStatusFeed";
import { containers, type QueueKey } from "../../shared/platform/resources";
import type { OutgoingMessage, Publisher } from "../../shared/ports/publisher";
import { everyTenant } from "../../shared/usecases/steps/feedAudience";

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Records what a use case publishes, per queue. */
export class RecordingPublisher implements Publisher {
  readonly published: Array<{ queue: QueueKey } & OutgoingMessage> = [];
  failNext = false;
  async publish(queue: QueueKey, messages: OutgoingMessage[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("broker unavailable");
    }
    this.published.push(...messages.map((m) => ({ queue, ...m })));
  }
  on(queue: QueueKey) {
    return this.published.filter((m) => m.queue === queue);
  }
}

/** The Cosmos-backed stores of the pipeline over one test database. */
export function cosmosStores(database: Database) {
  return {
    orders: new CosmosOrderStore(database.container(containers.orders.name)),
    notifications: new CosmosNotificationStore(database.container(containers.notifications.name)),
    statusFeed: new CosmosStatusFeed(database.container(containers.statusFeed.name)),
    // Every transition in the feed: tests about whose feed lists them configure their own audience.
    feedAudience: everyTenant,
    sendBatches: new CosmosSendBatches(database.container(containers.orders.name)),
    recipientLists: new CosmosRecipientLists(database.container(containers.orders.name)),
    bulkOrders: new CosmosBulkOrders(database.container(containers.orders.name)),
    notificationCounts: new CosmosNotificationCounts(database.container(containers.notifications.name)),
    references: new CosmosDeliveryReferenceStore(database.container(containers.deliveryReferences.name)),
    deadReports: new CosmosDeadDeliveryReports(database.container(containers.deadDeliveryReports.name)),
    erasure: new CosmosPersonalDataErasure(database),
    // Pacing off: tests about pacing configure their own pacer.
    pacer: new CosmosSendPacer(database.container(containers.rateBuckets.name), {
      acs: undefined,
      link: undefined,
    }),
  };
}
