import type { Database } from "@azure/cosmos";
import {
  CosmosContactRegistry,
  upsertRegistryDocuments,
} from "../../shared/adapters/cosmos/cosmosContactRegistry";
import { CosmosIntakeLimiter } from "../../shared/adapters/cosmos/cosmosIntakeLimiter";
import { CosmosNotificationQuota } from "../../shared/adapters/cosmos/cosmosNotificationQuota";
import { CosmosSupportLookup } from "../../shared/adapters/cosmos/cosmosSupportLookup";
import { CosmosUsageMetrics } from "../../shared/adapters/cosmos/cosmosUsageMetrics";
import { CosmosTemplateStore } from "../../shared/adapters/cosmos/cosmosTemplateStore";
import { CosmosWebhookStore } from "../../shared/adapters/cosmos/cosmosWebhookStore";
import { localOutboundPolicy } from "../../shared/adapters/http/ssrfGuard";
import { HttpWebhookPoster } from "../../shared/adapters/http/webhookClient";
import { testModeProviders } from "../../shared/adapters/simulator/testModeProviders";
import type { Dependencies } from "../../shared/app/dependencies";
import { JwtVerifier } from "../../shared/auth/jwtVerifier";
import { parseSettings } from "../../shared/config/settings";
import { serviceOwnerLimitsSchema } from "../../shared/domain/intakeLimits";
import { defaultSendingWindow } from "../../shared/domain/sendingWindow";
import sampleRegistry from "../../shared/local/sampleRegistry.json";
import { containers } from "../../shared/platform/resources";
import { RecentReleases } from "../../shared/usecases/steps/recentReleases";
import type { TestIssuer } from "./jwks";
import type { ManualClock } from "./pipeline";
import { cosmosStores, RecordingPublisher } from "./pipeline";

/** Every dependency a handler needs, over a test database, with the providers answering "accepted". */
export async function testDependencies(database: Database, issuer: TestIssuer, clock: ManualClock) {
  const registry = database.container(containers.registry.name);
  await upsertRegistryDocuments(registry, sampleRegistry);
  const publisher = new RecordingPublisher();
  const deps: Dependencies = {
    settings: parseSettings({
      VARSEL_MODE: "local",
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      AUTH_JWKS_URI: issuer.jwksUri,
    }),
    clock,
    ...cosmosStores(database),
    recentReleases: new RecentReleases(),
    contacts: new CosmosContactRegistry(registry),
    supportLookup: new CosmosSupportLookup(database.container(containers.notifications.name)),
    usageMetrics: new CosmosUsageMetrics(database.container(containers.notifications.name)),
    publisher,
    emailSender: { send: async (m) => ({ outcome: "accepted", operationId: m.notificationId }) },
    smsSender: {
      send: async (m) => ({ outcome: "accepted", gatewayReference: `gw-${m.notificationId}` }),
      sendMany: async (ms) =>
        ms.map((m) => ({ outcome: "accepted" as const, gatewayReference: `gw-${m.notificationId}` })),
    },
    conditions: { check: async () => ({ outcome: "send" }) },
    parseReport: () => [],
    sendingWindow: defaultSendingWindow,
    webhooks: new CosmosWebhookStore(database.container(containers.webhooks.name)),
    webhookPoster: new HttpWebhookPoster(localOutboundPolicy),
    templates: new CosmosTemplateStore(database.container(containers.orders.name)),
    intakeLimiter: new CosmosIntakeLimiter(database.container(containers.rateBuckets.name)),
    notificationQuota: new CosmosNotificationQuota(database.container(containers.rateBuckets.name)),
    testMode: testModeProviders(serviceOwnerLimitsSchema.parse({}), publisher, clock),
    verifier: new JwtVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      clockSkewSeconds: 30,
    }),
  };
  return { deps, publisher };
}
