import type { Principal } from "../auth/principal";
import type { Settings } from "../config/settings";
import type { SendingWindow } from "../domain/sendingWindow";
import type { BulkOrders, NotificationCounts } from "../ports/bulkOrders";
import type { Clock } from "../ports/clock";
import type { ContactRegistry } from "../ports/contactRegistry";
import type { DeadDeliveryReports } from "../ports/deadDeliveryReports";
import type { DeliveryReportParser } from "../ports/deliveryReportParser";
import type { EmailSender } from "../ports/emailSender";
import type { IntakeLimiter, NotificationQuota } from "../ports/intakeLimiter";
import type { DeliveryReferenceStore, NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { PersonalDataErasure } from "../ports/personalDataErasure";
import type { Publisher } from "../ports/publisher";
import type { RecipientLists } from "../ports/recipientLists";
import type { SendBatches } from "../ports/sendBatches";
import type { SendConditionChecker } from "../ports/sendCondition";
import type { SendPacer } from "../ports/sendPacer";
import type { SmsSender } from "../ports/smsSender";
import type { StatusFeed } from "../ports/statusFeed";
import type { FeedAudience } from "../ports/feedAudience";
import type { RecentReleases } from "../usecases/steps/recentReleases";
import type { SupportLookup } from "../ports/supportLookup";
import type { TemplateStore } from "../ports/templateStore";
import type { TestModeProviders } from "../ports/testMode";
import type { UsageMetrics } from "../ports/usageMetrics";
import type { WebhookPoster, WebhookStore } from "../ports/webhooks";

/** Everything a handler may use; a host's composition root builds it, a test builds its own. */
export interface Dependencies {
  settings: Settings;
  clock: Clock;
  orders: OrderStore;
  notifications: NotificationStore;
  references: DeliveryReferenceStore;
  statusFeed: StatusFeed;
  feedAudience: FeedAudience;
  recentReleases: RecentReleases;
  sendBatches: SendBatches;
  recipientLists: RecipientLists;
  bulkOrders: BulkOrders;
  notificationCounts: NotificationCounts;
  deadReports: DeadDeliveryReports;
  erasure: PersonalDataErasure;
  contacts: ContactRegistry;
  publisher: Publisher;
  emailSender: EmailSender;
  smsSender: SmsSender;
  conditions: SendConditionChecker;
  parseReport: DeliveryReportParser;
  sendingWindow: SendingWindow;
  pacer: SendPacer;
  webhooks: WebhookStore;
  webhookPoster: WebhookPoster;
  templates: TemplateStore;
  intakeLimiter: IntakeLimiter;
  notificationQuota: NotificationQuota;
  testMode: TestModeProviders;
  verifier: { verify(authorization: string | null): Promise<Principal> };
  supportLookup: SupportLookup;
  usageMetrics: UsageMetrics;
}

/**
 * How a handler gets its dependencies: asked at each invocation, so a host builds them on first use (a bad
 * setting then fails the invocation, not the loading of the registration files).
 */
export type DependencySource = () => Promise<Dependencies>;
