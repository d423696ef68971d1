// Cosmos DB for NoSQL: the database and every container the code uses.
// Raw resources rather than the (maintained) AVM module avm/res/document-db/database-account: the containers are
// one loop over a list that mirrors shared/platform/resources.ts (partition key, indexed paths, composite indexes,
// unique keys, default TTL), which tests/infra/drift.test.ts compares, and the data-plane role assignments stay in
// rbac.bicep.
// tests/infra/types.test.ts checks every property against the published Microsoft.DocumentDB types.

@description('Name of the Cosmos DB account.')
param name string

@description('Azure region of the account.')
param location string

@description('Tags for the account.')
param tags object

@description('Name of the SQL database (shared/platform/resources.ts databaseName).')
param databaseName string

@description('Serverless bills per request unit and suits bursty, modest volumes. Autoscale provisions shared database throughput that scales between 10% and 100% of the maximum.')
@allowed([
  'Serverless'
  'Autoscale'
])
param capacityMode string = 'Serverless'

@description('Autoscale only: the maximum RU/s shared by all containers (at least 1000).')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Disabled with the VNet: the app reaches the account through its private endpoint only.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

// name, partitionKeyPath, indexedPaths, compositeIndexes, uniqueKeys and defaultTtl as in
// shared/platform/resources.ts (indexedPaths: the only paths indexed, those the code's queries filter or sort on; every other path is excluded,
// so a write indexes no message body, template, recipient list or raw report that no query reads).
// (defaultTtl null: TTL off; -1: per-item TTL without a container default; n: expire n seconds after the last write).
// The app writes its documents with their own TTL from the retention settings (docs/privacy.md); the register
// copy has none, and the status feed's 90 days catch anything written without one.
var containers = [
  {
    name: 'orders'
    partitionKeyPath: '/pk'
    indexedPaths: [
      '/docType/?'
      '/id/?'
      '/status/?'
      '/requestedSendTime/?'
      '/sweepAt/?'
      '/creator/?'
      '/sendersReference/?'
      '/created/?'
      '/pk/?'
      '/name/?'
      '/version/?'
      '/quarantine/*'
      '/recipients/[]/nationalIdentityNumber/?'
    ]
    compositeIndexes: [
      [
        { path: '/status', order: 'ascending' }
        { path: '/requestedSendTime', order: 'ascending' }
        { path: '/id', order: 'ascending' }
      ]
      [
        { path: '/creator', order: 'ascending' }
        { path: '/sendersReference', order: 'ascending' }
        { path: '/created', order: 'ascending' }
      ]
    ]
    uniqueKeys: []
    defaultTtl: -1
  }
  {
    name: 'notifications'
    partitionKeyPath: '/orderId'
    indexedPaths: [
      '/orderId/?'
      '/id/?'
      '/created/?'
      '/channel/?'
      '/status/?'
      '/expiry/?'
      '/reference/?'
      '/quarantine/*'
      '/recipient/nationalIdentityNumber/?'
      '/recipient/organizationNumber/?'
      '/recipient/address/?'
    ]
    compositeIndexes: [
      [
        { path: '/status', order: 'ascending' }
        { path: '/expiry', order: 'ascending' }
      ]
    ]
    uniqueKeys: []
    defaultTtl: -1
  }
  {
    name: 'deliveryReferences'
    partitionKeyPath: '/pk'
    indexedPaths: []
    compositeIndexes: []
    uniqueKeys: []
    defaultTtl: -1
  }
  {
    name: 'registry'
    partitionKeyPath: '/pk'
    indexedPaths: [
      '/pk/?'
      '/type/?'
      '/resources/*'
      '/importRun/?'
      '/nationalIdentityNumber/?'
    ]
    compositeIndexes: []
    uniqueKeys: []
    defaultTtl: null
  }
  {
    name: 'statusFeed'
    partitionKeyPath: '/creator'
    indexedPaths: [
      '/creator/?'
      '/docType/?'
      '/sequenceNumber/?'
      '/status/?'
      '/recipients/[]/destination/?'
    ]
    compositeIndexes: []
    uniqueKeys: [
      '/sequenceNumber'
    ]
    defaultTtl: 7776000
  }
  {
    name: 'webhooks'
    partitionKeyPath: '/pk'
    indexedPaths: [
      '/docType/?'
      '/tenant/?'
      '/created/?'
      '/paused/?'
      '/subscriptionId/?'
      '/status/?'
      '/sequence/?'
      '/nextAttemptAt/?'
      '/quarantine/*'
      '/payload/data/destination/?'
      '/payload/data/recipients/[]/destination/?'
    ]
    compositeIndexes: [
      [
        { path: '/subscriptionId', order: 'ascending' }
        { path: '/status', order: 'ascending' }
        { path: '/sequence', order: 'ascending' }
      ]
    ]
    uniqueKeys: []
    defaultTtl: -1
  }
  {
    name: 'deadDeliveryReports'
    partitionKeyPath: '/pk'
    indexedPaths: [
      '/resolved/?'
      '/firstSeen/?'
      '/quarantine/*'
    ]
    compositeIndexes: []
    uniqueKeys: []
    defaultTtl: -1
  }
  {
    name: 'rateBuckets'
    partitionKeyPath: '/id'
    indexedPaths: []
    compositeIndexes: []
    uniqueKeys: []
    defaultTtl: null
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: capacityMode == 'Serverless'
      ? [
          {
            name: 'EnableServerless'
          }
        ]
      : []
    disableLocalAuth: true // Entra ID only (sqlRoleAssignments in rbac.bicep); the local emulator keeps its key
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: publicNetworkAccess
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: capacityMode == 'Autoscale'
      ? {
          autoscaleSettings: {
            maxThroughput: autoscaleMaxThroughput
          }
        }
      : {}
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: {
        id: c.name
        partitionKey: {
          paths: [
            c.partitionKeyPath
          ]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: [for path in c.indexedPaths: { path: path }]
          excludedPaths: [
            {
              path: '/*'
            }
          ]
          compositeIndexes: c.compositeIndexes
        }
        uniqueKeyPolicy: {
          uniqueKeys: [for path in c.uniqueKeys: { paths: [path] }]
        }
        defaultTtl: c.defaultTtl
      }
    }
  }
]

output name string = account.name
output resourceId string = account.id
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
