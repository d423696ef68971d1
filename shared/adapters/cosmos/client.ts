import {
  CosmosClient,
  PartitionKeyDefinitionVersion,
  type Database,
  type IndexingPolicy,
} from "@azure/cosmos";
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

/** The parts of an indexing policy this code sets, in a form two policies compare by. */
const indexingKey = (policy: ReturnType<typeof indexingPolicy> | IndexingPolicy | undefined) =>
  JSON.stringify([
    (policy?.includedPaths ?? []).map((p) => p.path).sort(),
    (policy?.compositeIndexes ?? []).map((index) => index.map((p) => `${p.path} ${p.order ?? ""}`)),
  ]);

/**
 * Creates the database and every container the code uses, as the Bicep templates declare them, and brings an
 * existing container's indexing policy up to the code's (a data directory kept from an earlier version), as a
 * deployment of the templates does on Azure: else a query on a newly indexed path would be refused for good.
 * Used by local mode and tests; on Azure the templates own these resources.
 */
export async function ensureDatabase(client: CosmosClient, databaseName: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  const definitions: ContainerDefinition[] = Object.values(containers);
  for (const definition of definitions) {
    const body = {
      id: definition.name,
      // Hash version 2, as infra/app/cosmos.bicep declares: the SDK routes bulk and point operations by it.
      partitionKey: { paths: [definition.partitionKeyPath], version: PartitionKeyDefinitionVersion.V2 },
      indexingPolicy: indexingPolicy(definition),
      uniqueKeyPolicy: { uniqueKeys: definition.uniqueKeys.map((path) => ({ paths: [path] })) },
      ...(definition.defaultTtl !== undefined ? { defaultTtl: definition.defaultTtl } : {}),
    };
    const { container, resource } = await database.containers.createIfNotExists(body);
    if (indexingKey(resource?.indexingPolicy) !== indexingKey(body.indexingPolicy))
      await container.replace(body);
  }
  return database;
}
