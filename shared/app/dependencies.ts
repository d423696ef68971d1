import { DefaultAzureCredential } from "@azure/identity";
import { CosmosContactRegistry } from "../adapters/cosmos/cosmosContactRegistry";
import { createCosmosClient } from "../adapters/cosmos/client";
import { CosmosNotificationStore } from "../adapters/cosmos/cosmosNotificationStore";
import { CosmosOrderStore } from "../adapters/cosmos/cosmosOrderStore";
import { ServiceBusPublisher } from "../adapters/servicebus/serviceBusPublisher";
import { JwtVerifier } from "../auth/jwtVerifier";
import type { Principal } from "../auth/principal";
import { settings, type Settings } from "../config/settings";
import { containers } from "../platform/resources";
import { systemClock, type Clock } from "../ports/clock";
import type { ContactRegistry } from "../ports/contactRegistry";
import type { NotificationStore } from "../ports/notificationStore";
import type { OrderStore } from "../ports/orderStore";
import type { Publisher } from "../ports/publisher";
import { localRuntime } from "./localRuntime";

export interface Dependencies {
  settings: Settings;
  clock: Clock;
  orders: OrderStore;
  notifications: NotificationStore;
  contacts: ContactRegistry;
  publisher: Publisher;
  verifier: { verify(authorization: string | null): Promise<Principal> };
}

function build(config: Settings): Dependencies {
  const local = config.VARSEL_MODE === "local" ? localRuntime() : undefined;
  if (!config.COSMOS_ENDPOINT) throw new Error("COSMOS_ENDPOINT is not set");
  const cosmos = createCosmosClient({
    endpoint: config.COSMOS_ENDPOINT,
    key: config.COSMOS_KEY,
    database: config.COSMOS_DATABASE,
  });
  const database = cosmos.database(config.COSMOS_DATABASE);
  const publisher: Publisher = local
    ? local.publisher
    : new ServiceBusPublisher(
        config.ServiceBusConnection__fullyQualifiedNamespace ?? "",
        new DefaultAzureCredential({ managedIdentityClientId: config.AZURE_CLIENT_ID }),
      );
  return {
    settings: config,
    clock: local?.clock ?? systemClock,
    orders: new CosmosOrderStore(database.container(containers.orders.name)),
    notifications: new CosmosNotificationStore(database.container(containers.notifications.name)),
    contacts: new CosmosContactRegistry(database.container(containers.registry.name)),
    publisher,
    verifier: new JwtVerifier({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUri: config.AUTH_JWKS_URI,
      clockSkewSeconds: config.AUTH_CLOCK_SKEW_SECONDS,
    }),
  };
}

let current: Dependencies | undefined;

/** The process's dependencies, built once from the settings on first use. */
export async function dependencies(): Promise<Dependencies> {
  current ??= build(settings());
  return current;
}

/** Replaces the dependencies, for tests that call handlers with their own adapters. */
export function useDependencies(value: Dependencies | undefined): void {
  current = value;
}
