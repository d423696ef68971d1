// Email delivery reports: an Event Grid system topic on the Communication Services resource delivers
// EmailDeliveryReportReceived events to the delivery-reports queue, authenticated with the topic's own identity.
// Events it cannot deliver (after 30 attempts or 24 hours) are dead-lettered to a blob container, where an
// operator can find and replay them (docs/deploy.md, "Delivery reports").

@description('Name of the Event Grid system topic.')
param name string

@description('Tags for the topic.')
param tags object

@description('Name of the Communication Services resource that raises the events.')
param communicationServiceName string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('Queue the delivery-report function triggers on (shared/platform/resources.ts queues.deliveryReports).')
param deliveryReportsQueueName string

@description('Storage account that holds the dead-letter container.')
param storageAccountName string

@description('Blob container for events that could not be delivered.')
param deadLetterContainerName string

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
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

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: 'global' // ACS is a global resource
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: communicationService.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

// In a module, so that the role assignments' names can include the topic's principal id (a deployment-time
// value here, a parameter there): a recreated topic gets new assignments instead of colliding with the old ones.
module topicAccess 'event-grid-access.bicep' = {
  name: 'event-grid-access'
  params: {
    principalId: topic.identity.principalId
    serviceBusNamespaceName: serviceBusNamespaceName
    deliveryReportsQueueName: deliveryReportsQueueName
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
}

resource emailDeliveryReports 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'email-delivery-reports'
  dependsOn: [
    topicAccess
  ]
  properties: {
    eventDeliverySchema: 'EventGridSchema' // one event per message, as the delivery-report parser reads it
    filter: {
      includedEventTypes: [
        'Microsoft.Communication.EmailDeliveryReportReceived'
      ]
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'ServiceBusQueue'
        properties: {
          resourceId: deliveryReportsQueue.id
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output topicName string = topic.name
