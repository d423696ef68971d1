import { DefaultAzureCredential } from "@azure/identity";
import { AcsEmailSender } from "../adapters/acs/acsEmailSender";
import { BlobAttachmentSource } from "../adapters/http/blobAttachmentSource";
import { parseEmailDeliveryReport } from "../adapters/acs/emailDeliveryReport";
import { createCosmosClient } from "../adapters/cosmos/client";
import { CosmosBulkOrders, CosmosNotificationCounts } from "../adapters/cosmos/cosmosBulkOrders";
import { CosmosContactRegistry } from "../adapters/cosmos/cosmosContactRegistry";
import { CosmosSupportLookup } from "../adapters/cosmos/cosmosSupportLookup";
import type { SupportLookup } from "../ports/supportLookup";
import { CosmosUsageMetrics } from "../adapters/cosmos/cosmosUsageMetrics";
import type { UsageMetrics } from "../ports/usageMetrics";
import { CosmosDeadDeliveryReports } from "../adapters/cosmos/cosmosDeadDeliveryReports";
import { CosmosDeliveryReferenceStore } from "../adapters/cosmos/cosmosDeliveryReferenceStore";
import { CosmosNotificationStore } from "../adapters/cosmos/cosmosNotificationStore";
import { CosmosOrderStore } from "../adapters/cosmos/cosmosOrderStore";
import { CosmosPersonalDataErasure } from "../adapters/cosmos/cosmosPersonalDataErasure";
import { CosmosRecipientLists } from "../adapters/cosmos/cosmosRecipientLists";
import { CosmosSendBatches } from "../adapters/cosmos/cosmosSendBatches";
import { CosmosSendPacer } from "../adapters/cosmos/cosmosSendPacer";
import { CosmosTemplateStore } from "../adapters/cosmos/cosmosTemplateStore";
import { CosmosStatusFeed } from "../adapters/cosmos/cosmosStatusFeed";
import { HttpSendConditionChecker } from "../adapters/http/sendConditionClient";
import { entraTokenSource } from "../adapters/identity/entraTokenSource";
import { HttpWebhookPoster } from "../adapters/http/webhookClient";
import { CosmosWebhookStore } from "../adapters/cosmos/cosmosWebhookStore";
import { CosmosIntakeLimiter } from "../adapters/cosmos/cosmosIntakeLimiter";
import { CosmosNotificationQuota } from "../adapters/cosmos/cosmosNotificationQuota";
import { LinkSmsSender } from "../adapters/link/linkSmsSender";
import { parseSmsDeliveryReport } from "../adapters/link/smsDeliveryReport";
import { ServiceBusPublisher } from "../adapters/servicebus/serviceBusPublisher";
import { JwtVerifier } from "../auth/jwtVerifier";
import type { Principal } from "../auth/principal";
import { settings, type Settings } from "../config/settings";
import { RetentionRules } from "../domain/retention";
import type { SendingWindow } from "../domain/sendingWindow";
import { bucketLimitOf } from "../domain/tokenBucket";
import { InstanceTokenBlocks } from "../adapters/pacing/instanceTokenBlocks";
import { containers } from "../platform/resources";
import { systemClock, type Clock } from "../ports/clock";
import type { BulkOrders, NotificationCounts } from "../ports/bulkOrders";
import type { ContactRegistry } from "../ports/contactRegistry";
import type { DeadDeliveryReports } from "../ports/deadDeliveryReports";
import type { DeliveryReportParser } from "../ports/deliveryReportParser";
import type { EmailSender } from "../ports/emailSender";
import type { DeliveryReferenceStore, NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { PersonalDataErasure } from "../ports/personalDataErasure";
import type { Publisher } from "../ports/publisher";
import type { RecipientLists } from "../ports/recipientLists";
import type { SendBatches } from "../ports/sendBatches";
import type { TemplateStore } from "../ports/templateStore";
import type { SendConditionChecker } from "../ports/sendCondition";
import type { SendPacer } from "../ports/sendPacer";
import type { SmsSender } from "../ports/smsSender";
import type { StatusFeed } from "../ports/statusFeed";
import type { WebhookPoster, WebhookStore } from "../ports/webhooks";
import type { IntakeLimiter, NotificationQuota } from "../ports/intakeLimiter";
import type { TestModeProviders } from "../ports/testMode";
import { testModeProviders } from "../adapters/simulator/testModeProviders";
import { withTelemetry } from "../telemetry/instrumentedPorts";
import { sendingAttachments } from "../usecases/steps/sendingAttachments";
import { localRuntime } from "./localRuntime";

export interface Dependencies {
  settings: Settings;
  clock: Clock;
  orders: OrderStore;
  notifications: NotificationStore;
  references: DeliveryReferenceStore;
  statusFeed: StatusFeed;
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

const parseReport: DeliveryReportParser = (provider, payload, contentType) =>
  provider === "acs" ? parseEmailDeliveryReport(payload) : parseSmsDeliveryReport(payload, contentType);

function required(value: string | undefined, key: string): string {
  if (!value) throw new Error(`${key} is not set`);
  return value;
}

function build(config: Settings): Omit<Dependencies, "testMode"> {
  const local = config.VARSEL_MODE === "local" ? localRuntime() : undefined;
  // On Azure every client authenticates as the app's user-assigned managed identity: no secrets.
  const credential = local
    ? undefined
    : new DefaultAzureCredential({ managedIdentityClientId: config.AZURE_CLIENT_ID });
  const cosmos = createCosmosClient({
    endpoint: required(config.COSMOS_ENDPOINT, "COSMOS_ENDPOINT"),
    key: config.COSMOS_KEY,
    database: config.COSMOS_DATABASE,
  });
  const database = cosmos.database(config.COSMOS_DATABASE);
  const container = (key: keyof typeof containers) => database.container(containers[key].name);
  const clock = local?.clock ?? systemClock;
  const retention = new RetentionRules(
    {
      orderDays: config.ORDER_RETENTION_DAYS,
      statusFeedDays: config.STATUS_FEED_RETENTION_DAYS,
      deadReportDays: config.DEAD_REPORT_RETENTION_DAYS,
    },
    () => clock.now(),
  );
  return {
    settings: config,
    clock,
    orders: new CosmosOrderStore(container("orders"), retention),
    notifications: new CosmosNotificationStore(container("notifications"), retention),
    references: new CosmosDeliveryReferenceStore(container("deliveryReferences"), retention),
    statusFeed: new CosmosStatusFeed(container("statusFeed"), retention),
    sendBatches: new CosmosSendBatches(container("orders"), retention),
    recipientLists: new CosmosRecipientLists(container("orders"), retention),
    bulkOrders: new CosmosBulkOrders(container("orders"), retention),
    notificationCounts: new CosmosNotificationCounts(container("notifications")),
    deadReports: new CosmosDeadDeliveryReports(container("deadDeliveryReports"), retention),
    erasure: new CosmosPersonalDataErasure(database, clock),
    contacts: new CosmosContactRegistry(container("registry")),
    supportLookup: new CosmosSupportLookup(container("notifications")),
    usageMetrics: new CosmosUsageMetrics(container("notifications")),
    publisher: credential
      ? new ServiceBusPublisher(
          required(
            config.ServiceBusConnection__fullyQualifiedNamespace,
            "ServiceBusConnection__fullyQualifiedNamespace",
          ),
          credential,
        )
      : localRuntime().publisher,
    emailSender: sendingAttachments(
      new AcsEmailSender({
        endpoint: required(config.ACS_EMAIL_ENDPOINT, "ACS_EMAIL_ENDPOINT"),
        ...(local
          ? { accessKey: config.ACS_EMAIL_ACCESS_KEY, allowInsecureConnection: true }
          : { credential }),
      }),
      // Locally the files are on Azurite (http, loopback); on Azure only public https blob hosts.
      new BlobAttachmentSource({ allowLoopback: Boolean(local), allowHttp: Boolean(local) }),
    ),
    smsSender: new LinkSmsSender({
      url: required(config.LINK_GATEWAY_URL, "LINK_GATEWAY_URL"),
      username: required(config.LINK_USERNAME, "LINK_USERNAME"),
      password: required(config.LINK_PASSWORD, "LINK_PASSWORD"),
      defaultSender: config.SMS_DEFAULT_SENDER,
    }),
    conditions: new HttpSendConditionChecker({
      allowLoopback: Boolean(local),
      allowHttp: Boolean(local),
      bearerToken: local
        ? local.conditionToken
        : credential && config.SEND_CONDITION_TOKEN_AUDIENCE
          ? entraTokenSource(credential, config.SEND_CONDITION_TOKEN_AUDIENCE)
          : undefined,
    }),
    parseReport,
    sendingWindow: config.SENDING_WINDOW,
    pacer: new InstanceTokenBlocks(
      new CosmosSendPacer(container("rateBuckets"), {
        acs: bucketLimitOf(config.PACING_ACS_PER_MINUTE, config.PACING_ACS_BURST),
        link: bucketLimitOf(config.PACING_LINK_PER_MINUTE, config.PACING_LINK_BURST),
      }),
    ),
    webhooks: new CosmosWebhookStore(container("webhooks"), retention),
    templates: new CosmosTemplateStore(container("orders")),
    webhookPoster: new HttpWebhookPoster({ allowLoopback: Boolean(local), allowHttp: Boolean(local) }),
    intakeLimiter: new CosmosIntakeLimiter(container("rateBuckets")),
    notificationQuota: new CosmosNotificationQuota(container("rateBuckets")),
    verifier: new JwtVerifier({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUri: config.AUTH_JWKS_URI,
      clockSkewSeconds: config.AUTH_CLOCK_SKEW_SECONDS,
    }),
  };
}

/** The simulator for organisations in test mode, publishing its reports through the service's own queue. */
function withTestMode(deps: Omit<Dependencies, "testMode">): Dependencies {
  return {
    ...deps,
    testMode: testModeProviders(deps.settings.SERVICE_OWNER_LIMITS, deps.publisher, deps.clock),
  };
}

let current: Dependencies | undefined;

/** The process's dependencies, built once from the settings on first use. */
export async function dependencies(): Promise<Dependencies> {
  current ??= withTelemetry(withTestMode(build(settings())));
  return current;
}

/** Replaces the dependencies, for tests that call handlers with their own adapters. */
export function useDependencies(value: Dependencies | undefined): void {
  current = value;
}
