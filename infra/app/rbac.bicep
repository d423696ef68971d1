// Least-privilege data-plane roles for one principal: the app's user-assigned identity, or (optionally) the
// deploying user so that `func start` can run against the deployed resources. Every role is scoped to the
// one resource (or queue) that needs it. tests/infra/drift.test.ts checks the role ids.

@description('Object (principal) id to grant the roles to.')
param principalId string

@description('ServicePrincipal for a managed identity; User (or ServicePrincipal in CI) for the deploying principal.')
@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string

@description('true for the operator: Key Vault Secrets Officer (set and rotate the LINK secrets) instead of Secrets User (read).')
param manageSecrets bool = false

@description('true: Azure Service Bus Data Owner on each queue instead of Data Sender and Data Receiver. Its Manage right lets the scale controller read the queue length (target-based scaling); it also lets the principal change or delete those queues.')
param manageQueues bool = false

@description('Host storage account: Storage Blob Data Owner.')
param storageAccountName string

@description('Application Insights: Monitoring Metrics Publisher (telemetry ingestion with Entra auth).')
param applicationInsightsName string

@description('Cosmos DB account: Cosmos DB Built-in Data Contributor.')
param cosmosAccountName string

@description('Service Bus namespace of the queues below.')
param serviceBusNamespaceName string

@description('Queues the principal sends to and receives from: the app publishes to and triggers on every queue.')
param queueNames string[]

@description('Communication Services resource the principal sends email through.')
param communicationServiceName string

@description('Role definition id (a GUID) that sends email: the custom email sender role (email-sender-role.bicep), or Communication and Email Service Owner.')
param emailSenderRoleId string

@description('Key Vault with the LINK credentials: Key Vault Secrets User (or Officer with manageSecrets).')
param keyVaultName string

// Built-in role definition ids (Microsoft docs "Azure built-in roles"; tests/infra/fixtures/roles.json).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // host storage (AzureWebJobsStorage) and the deployment container
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Application Insights ingestion with Entra auth
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419' // only with manageQueues: send, receive and Manage (queue length)
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

// Cosmos DB data-plane role (not an ARM role): Cosmos DB Built-in Data Contributor.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

var keyVaultRole = manageSecrets ? roles.keyVaultSecretsOfficer : roles.keyVaultSecretsUser

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [
  for queueName in queueNames: {
    parent: serviceBus
    name: queueName
  }
]

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource storageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: principalType
  }
}

resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: principalType
  }
}

resource queueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: if (!manageQueues) {
    name: guid(queues[i].id, principalId, roles.serviceBusDataSender)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
      principalId: principalId
      principalType: principalType
    }
  }
]

resource queueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: if (!manageQueues) {
    name: guid(queues[i].id, principalId, roles.serviceBusDataReceiver)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
      principalId: principalId
      principalType: principalType
    }
  }
]

resource queueOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: if (manageQueues) {
    name: guid(queues[i].id, principalId, roles.serviceBusDataOwner)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
      principalId: principalId
      principalType: principalType
    }
  }
]

resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, principalId, emailSenderRoleId)
  scope: communicationService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', emailSenderRoleId)
    principalId: principalId
    principalType: principalType
  }
}

resource keyVaultSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, principalId, keyVaultRole)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultRole)
    principalId: principalId
    principalType: principalType
  }
}

resource cosmosDataContributorAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: principalId
    scope: cosmos.id // the account holds only the varsel database; the SDK also reads account metadata
  }
}
