// What the Event Grid system topic's identity may do: send to the delivery-reports queue, and write
// dead-lettered events to their blob container. Nothing else.

@description('Principal id of the system topic\'s system-assigned identity.')
param principalId string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('The queue the topic delivers to.')
param deliveryReportsQueueName string

@description('Storage account with the dead-letter container.')
param storageAccountName string

@description('Blob container for dead-lettered events.')
param deadLetterContainerName string

var roles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource deliveryReportsQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: serviceBus
  name: deliveryReportsQueueName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: storage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

resource queueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deliveryReportsQueue.id, principalId, roles.serviceBusDataSender)
  scope: deliveryReportsQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, principalId, roles.storageBlobDataContributor)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageBlobDataContributor
    )
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
