// Service Bus namespace (Standard; Premium with the VNet) with every queue the code publishes to or triggers on.
// The queue settings mirror shared/platform/resources.ts; tests/infra/drift.test.ts fails if they differ.

@description('Name of the Service Bus namespace.')
param name string

@description('Azure region of the namespace.')
param location string

@description('Tags for the namespace.')
param tags object

@description('With the VNet: Premium (private endpoints need it) and a firewall that admits trusted Azure services only (Event Grid delivering email delivery reports with its identity); the app uses the private endpoint.')
param vnetEnabled bool = false

@description('How long an undelivered message stays in a queue before it expires (and is dead-lettered).')
param messageTimeToLive string = 'P14D'

// name, lockDuration, maxDeliveryCount and duplicateDetectionWindow as in shared/platform/resources.ts.
var queues = [
  {
    name: 'process-order'
    lockDuration: 'PT5M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
  {
    name: 'send-email'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
  {
    name: 'send-sms'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
  // The bulk lane (shared/domain/lanes.ts): large orders' fan-out and sends, served by their own functions.
  {
    name: 'process-order-bulk'
    lockDuration: 'PT5M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
  {
    name: 'send-email-bulk'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
  {
    name: 'send-sms-bulk'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
  {
    name: 'delivery-reports'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    duplicateDetectionWindow: 'PT10M'
  }
]

module namespace 'br/public:avm/res/service-bus/namespace:0.17.0' = {
  name: 'service-bus-namespace'
  params: {
    name: name
    location: location
    tags: tags
    skuObject: vnetEnabled
      ? {
          name: 'Premium'
          capacity: 1
        }
      : {
          name: 'Standard'
        }
    zoneRedundant: false
    disableLocalAuth: true // Entra ID only: the app and the deploying user get data roles in rbac.bicep
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    networkRuleSets: vnetEnabled
      ? {
          publicNetworkAccess: 'Enabled'
          defaultAction: 'Deny'
          trustedServiceAccessEnabled: true
        }
      : null
    queues: [
      for queue in queues: {
        name: queue.name
        lockDuration: queue.lockDuration
        maxDeliveryCount: queue.maxDeliveryCount // then the broker moves the message to the dead-letter queue
        requiresDuplicateDetection: true // publishers set messageId; a resend within the window is dropped
        duplicateDetectionHistoryTimeWindow: queue.duplicateDetectionWindow
        deadLetteringOnMessageExpiration: true
        defaultMessageTimeToLive: messageTimeToLive
      }
    ]
  }
}

output name string = namespace.outputs.name
output resourceId string = namespace.outputs.resourceId
output fullyQualifiedNamespace string = '${namespace.outputs.name}.servicebus.windows.net'
@description('The app both publishes to and triggers on every queue.')
output queueNames string[] = [for queue in queues: queue.name]
