import { parseEmailDeliveryReport } from "../adapters/acs/emailDeliveryReport";
import { createCosmosClient } from "../adapters/cosmos/client";
import { CosmosBulkOrders, CosmosNotificationCounts } from "../adapters/cosmos/cosmosBulkOrders";
import { CosmosContactRegistry } from "../adapters/cosmos/cosmosContactRegistry";
import { CosmosDeadDeliveryReports } from "../adapters/cosmos/cosmosDeadDeliveryReports";
import { CosmosDeliveryReferenceStore } from "../adapters/cosmos/cosmosDeliveryReferenceStore";
import { CosmosIntakeLimiter } from "../adapters/cosmos/cosmosIntakeLimiter";
import { CosmosNotificationQuota } from "../adapters/cosmos/cosmosNotificationQuota";
import { CosmosNotificationStore } from "../adapters/cosmos/cosmosNotificationStore";
import { CosmosOrderStore } from "../adapters/cosmos/cosmosOrderStore";
import { CosmosPersonalDataErasure } from "../adapters/cosmos/cosmosPersonalDataErasure";
import { CosmosRecipientLists } from "../adapters/cosmos/cosmosRecipientLists";
import { CosmosSendBatches } from "../adapters/cosmos/cosmosSendBatches";
import { CosmosSendPacer } from "../adapters/cosmos/cosmosSendPacer";
import { CosmosStatusFeed } from "../adapters/cosmos/cosmosStatusFeed";
import { CosmosSupportLookup } from "../adapters/cosmos/cosmosSupportLookup";
import { CosmosTemplateStore } from "../adapters/cosmos/cosmosTemplateStore";
import { CosmosUsageMetrics } from "../adapters/cosmos/cosmosUsageMetrics";
import { CosmosWebhookStore } from "../adapters/cosmos/cosmosWebhookStore";
import { LinkSmsSender } from "../adapters/link/linkSmsSender";
import { parseSmsDeliveryReport } from "../adapters/link/smsDeliveryReport";
import { InstanceTokenBlocks } from "../adapters/pacing/instanceTokenBlocks";
import { testModeProviders } from "../adapters/simulator/testModeProviders";
import { JwtVerifier } from "../auth/jwtVerifier";
import type { Settings } from "../config/settings";
import { RetentionRules } from "../domain/retention";
import { bucketLimitOf } from "../domain/tokenBucket";
import { containers } from "../platform/resources";
import type { Clock } from "../ports/clock";
import type { DeliveryReportParser } from "../ports/deliveryReportParser";
import type { EmailSender } from "../ports/emailSender";
import type { Publisher } from "../ports/publisher";
import type { SendConditionChecker } from "../ports/sendCondition";
import type { WebhookPoster } from "../ports/webhooks";
import { withTelemetry } from "../telemetry/instrumentedPorts";
import { everyTenant, SubscribedTenants } from "../usecases/steps/feedAudience";
import { RecentReleases } from "../usecases/steps/recentReleases";
import type { Dependencies } from "./dependencies";

/** What a host's composition root decides: where the services are, how it reaches them, and its clock. */
interface HostWiring {
  cosmos: { endpoint: string; key?: string };
  link: { url: string; username: string; password: string };
  clock: Clock;
  publisher: Publisher;
  emailSender: EmailSender;
  conditions: SendConditionChecker;
  webhookPoster: WebhookPoster;
}

const parseReport: DeliveryReportParser = (provider, payload, contentType) =>
  provider === "acs" ? parseEmailDeliveryReport(payload) : parseSmsDeliveryReport(payload, contentType);

/**
 * The dependencies both hosts build alike around their own wiring: the Cosmos DB stores, the LINK sender,
 * token verification, the test-mode simulator (publishing its reports through the service's own queue) and
 * telemetry around the ports, so the use cases stay free of it.
 */
export function assembleDependencies(config: Settings, host: HostWiring): Dependencies {
  const cosmos = createCosmosClient({ ...host.cosmos, database: config.COSMOS_DATABASE });
  const database = cosmos.database(config.COSMOS_DATABASE);
  const container = (key: keyof typeof containers) => database.container(containers[key].name);
  const clock = host.clock;
  const retention = new RetentionRules(
    {
      orderDays: config.ORDER_RETENTION_DAYS,
      statusFeedDays: config.STATUS_FEED_RETENTION_DAYS,
      deadReportDays: config.DEAD_REPORT_RETENTION_DAYS,
    },
    () => clock.now(),
  );
  const webhooks = new CosmosWebhookStore(container("webhooks"), retention);
  return withTelemetry({
    settings: config,
    clock,
    orders: new CosmosOrderStore(container("orders"), retention),
    notifications: new CosmosNotificationStore(container("notifications"), retention),
    references: new CosmosDeliveryReferenceStore(container("deliveryReferences"), retention),
    statusFeed: new CosmosStatusFeed(container("statusFeed"), retention),
    feedAudience:
      config.STATUS_FEED_TRANSITIONS === "all" ? everyTenant : new SubscribedTenants(webhooks, clock),
    recentReleases: new RecentReleases(),
    sendBatches: new CosmosSendBatches(container("orders"), retention),
    recipientLists: new CosmosRecipientLists(container("orders"), retention),
    bulkOrders: new CosmosBulkOrders(container("orders"), retention),
    notificationCounts: new CosmosNotificationCounts(container("notifications")),
    deadReports: new CosmosDeadDeliveryReports(container("deadDeliveryReports"), retention),
    erasure: new CosmosPersonalDataErasure(database, clock),
    contacts: new CosmosContactRegistry(container("registry")),
    supportLookup: new CosmosSupportLookup(container("notifications")),
    usageMetrics: new CosmosUsageMetrics(container("notifications")),
    publisher: host.publisher,
    emailSender: host.emailSender,
    smsSender: new LinkSmsSender({ ...host.link, defaultSender: config.SMS_DEFAULT_SENDER }),
    conditions: host.conditions,
    parseReport,
    sendingWindow: config.SENDING_WINDOW,
    pacer: new InstanceTokenBlocks(
      new CosmosSendPacer(container("rateBuckets"), {
        acs: bucketLimitOf(config.PACING_ACS_PER_MINUTE, config.PACING_ACS_BURST),
        link: bucketLimitOf(config.PACING_LINK_PER_MINUTE, config.PACING_LINK_BURST),
      }),
    ),
    webhooks,
    templates: new CosmosTemplateStore(container("orders")),
    webhookPoster: host.webhookPoster,
    intakeLimiter: new CosmosIntakeLimiter(container("rateBuckets")),
    notificationQuota: new CosmosNotificationQuota(container("rateBuckets")),
    testMode: testModeProviders(config.SERVICE_OWNER_LIMITS, host.publisher, clock),
    verifier: new JwtVerifier({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUri: config.AUTH_JWKS_URI,
      clockSkewSeconds: config.AUTH_CLOCK_SKEW_SECONDS,
    }),
  });
}
