// Email delivery reports: an Event Grid system topic on the Communication Services resource delivers
// EmailDeliveryReportReceived events to the delivery-reports queue, authenticated with the topic's own identity.

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

var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource deliveryReportsQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: serviceBus
  name: deliveryReportsQueueName
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

// The topic may send to this one queue and nothing else.
resource topicQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deliveryReportsQueue.id, topic.id, serviceBusDataSender)
  scope: deliveryReportsQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource emailDeliveryReports 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'email-delivery-reports'
  dependsOn: [
    topicQueueSender
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
  }
}

output topicName string = topic.name
