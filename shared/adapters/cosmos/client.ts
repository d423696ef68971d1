import { CosmosClient, PartitionKeyDefinitionVersion, type Database } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import { containers, type ContainerDefinition } from "../../platform/resources";

export interface CosmosConnection {
  endpoint: string;
  /** Account key; without one the client authenticates with Entra ID (managed identity on Azure). */
  key?: string;
  database: string;
}

export function createCosmosClient(connection: CosmosConnection): CosmosClient {
  const isLoopbackHttp = connection.endpoint.startsWith("http://");
  return new CosmosClient({
    endpoint: connection.endpoint,
    ...(connection.key ? { key: connection.key } : { aadCredentials: new DefaultAzureCredential() }),
    // The embedded server advertises https locations; following them breaks a plain-http loopback endpoint.
    connectionPolicy: { enableEndpointDiscovery: !isLoopbackHttp },
  });
}

function indexingPolicy(definition: ContainerDefinition) {
  return {
    indexingMode: "consistent" as const,
    automatic: true,
    includedPaths: definition.indexedPaths.map((path) => ({ path })),
    excludedPaths: [{ path: "/*" }],
    compositeIndexes: definition.compositeIndexes.map((index) => index.map((p) => ({ ...p }))),
  };
}

/**
 * Creates the database and every container the code uses, as the Bicep templates declare them.
 * Used by local mode and tests; on Azure the templates own these resources.
 */
export async function ensureDatabase(client: CosmosClient, databaseName: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  const definitions: ContainerDefinition[] = Object.values(containers);
  for (const definition of definitions) {
    await database.containers.createIfNotExists({
      id: definition.name,
      // Hash version 2, as infra/app/cosmos.bicep declares: the SDK routes bulk and point operations by it.
      partitionKey: { paths: [definition.partitionKeyPath], version: PartitionKeyDefinitionVersion.V2 },
      indexingPolicy: indexingPolicy(definition),
      uniqueKeyPolicy: { uniqueKeys: definition.uniqueKeys.map((path) => ({ paths: [path] })) },
      ...(definition.defaultTtl !== undefined ? { defaultTtl: definition.defaultTtl } : {}),
    });
  }
  return database;
}
