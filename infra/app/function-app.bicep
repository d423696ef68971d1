// The varsel Function App on the Flex Consumption plan: Node 22, the user-assigned identity for every
// connection, deployment package in blob storage without shared keys, and the app settings that
// shared/config/settings.ts reads (tests/infra/drift.test.ts checks the keys).

@description('Name of the Function App.')
param name string

@description('Azure region of the app.')
param location string

@description('Tags; the azd-service-name tag is added here.')
param tags object

@description('Resource id of the Flex Consumption (FC1) plan.')
param planId string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Host storage account (AzureWebJobsStorage and the deployment package).')
param storageAccountName string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (ingestion uses Entra auth; local auth is off).')
param applicationInsightsConnectionString string

@description('Memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on scale-out; also caps the load on Cosmos DB and the LINK gateway.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Subnet (delegated to Microsoft.App/environments) the app integrates with; empty: no VNet integration.')
param virtualNetworkSubnetId string = ''

@description('COSMOS_ENDPOINT')
param cosmosEndpoint string

@description('COSMOS_DATABASE')
param cosmosDatabaseName string

@description('ServiceBusConnection__fullyQualifiedNamespace')
param serviceBusFullyQualifiedNamespace string

@description('ACS_EMAIL_ENDPOINT')
param acsEmailEndpoint string

@description('EMAIL_SENDER_ADDRESS')
param emailSenderAddress string

@description('LINK_GATEWAY_URL')
param linkGatewayUrl string

@description('Versionless Key Vault secret URIs of LINK_USERNAME, LINK_PASSWORD, LINK_REPORT_USERNAME, LINK_REPORT_PASSWORD, METRICS_API_KEY.')
param secretUris object

@description('SMS_DEFAULT_SENDER')
param smsDefaultSender string

@description('AUTH_ISSUER')
param authIssuer string

@description('AUTH_AUDIENCE')
param authAudience string

@description('AUTH_JWKS_URI')
param authJwksUri string

@description('AUTH_CLOCK_SKEW_SECONDS')
param authClockSkewSeconds int

@description('SENDING_WINDOW')
param sendingWindow string

@description('SWEEP_SCHEDULE')
param sweepSchedule string

@description('TERMINATE_SCHEDULE')
param terminateSchedule string

@description('SERVICE_OWNER_LIMITS')
param serviceOwnerLimits string

@description('ORDER_RETENTION_DAYS')
param orderRetentionDays int

@description('STATUS_FEED_RETENTION_DAYS')
param statusFeedRetentionDays int

@description('DEAD_REPORT_RETENTION_DAYS')
param deadReportRetentionDays int

@description('PACING_ACS_PER_MINUTE')
param pacingAcsPerMinute int

@description('PACING_ACS_BURST')
param pacingAcsBurst int

@description('PACING_LINK_PER_MINUTE')
param pacingLinkPerMinute int

@description('PACING_LINK_BURST')
param pacingLinkBurst int

@description('IDEMPOTENCY_CHANGED_PAYLOAD')
param idempotencyChangedPayload string

@description('STATUS_FEED_TRANSITIONS')
param statusFeedTransitions string

@description('SEND_CONDITION_TOKEN_AUDIENCE')
param sendConditionTokenAudience string

@description('TEST_SENDCONDITION_ENABLED')
param testSendConditionEnabled bool

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

var appSettings = {
  // Functions host: identity-based storage (blob only: timer locks and the package), App Insights with Entra auth.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
  // Service Bus triggers (connection "ServiceBusConnection") and the SDK publisher.
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  // DefaultAzureCredential in the SDK adapters picks the user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
  VARSEL_MODE: 'azure'
  COSMOS_ENDPOINT: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  ACS_EMAIL_ENDPOINT: acsEmailEndpoint
  EMAIL_SENDER_ADDRESS: emailSenderAddress
  LINK_GATEWAY_URL: linkGatewayUrl
  LINK_USERNAME: '@Microsoft.KeyVault(SecretUri=${secretUris.LINK_USERNAME})'
  LINK_PASSWORD: '@Microsoft.KeyVault(SecretUri=${secretUris.LINK_PASSWORD})'
  LINK_REPORT_USERNAME: '@Microsoft.KeyVault(SecretUri=${secretUris.LINK_REPORT_USERNAME})'
  LINK_REPORT_PASSWORD: '@Microsoft.KeyVault(SecretUri=${secretUris.LINK_REPORT_PASSWORD})'
  SMS_DEFAULT_SENDER: smsDefaultSender
  AUTH_ISSUER: authIssuer
  AUTH_AUDIENCE: authAudience
  AUTH_JWKS_URI: authJwksUri
  AUTH_CLOCK_SKEW_SECONDS: string(authClockSkewSeconds)
  SENDING_WINDOW: sendingWindow
  SWEEP_SCHEDULE: sweepSchedule
  TERMINATE_SCHEDULE: terminateSchedule
  SERVICE_OWNER_LIMITS: serviceOwnerLimits
  ORDER_RETENTION_DAYS: string(orderRetentionDays)
  STATUS_FEED_RETENTION_DAYS: string(statusFeedRetentionDays)
  DEAD_REPORT_RETENTION_DAYS: string(deadReportRetentionDays)
  PACING_ACS_PER_MINUTE: string(pacingAcsPerMinute)
  PACING_ACS_BURST: string(pacingAcsBurst)
  PACING_LINK_PER_MINUTE: string(pacingLinkPerMinute)
  PACING_LINK_BURST: string(pacingLinkBurst)
  IDEMPOTENCY_CHANGED_PAYLOAD: idempotencyChangedPayload
  STATUS_FEED_TRANSITIONS: statusFeedTransitions
  SEND_CONDITION_TOKEN_AUDIENCE: sendConditionTokenAudience
  TEST_SENDCONDITION_ENABLED: testSendConditionEnabled ? 'true' : 'false'
  METRICS_API_KEY: '@Microsoft.KeyVault(SecretUri=${secretUris.METRICS_API_KEY})'
}

module site 'br/public:avm/res/web/site:0.24.0' = {
  name: 'function-app'
  params: {
    name: name
    location: location
    kind: 'functionapp,linux'
    tags: union(tags, { 'azd-service-name': 'api' })
    serverFarmResourceId: planId
    managedIdentities: {
      userAssignedResourceIds: [
        identityId
      ]
    }
    keyVaultAccessIdentityResourceId: identityId // resolve the Key Vault references with the user-assigned identity
    virtualNetworkSubnetResourceId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    // With the VNet, all outbound traffic goes through it, including the platform's own Key Vault reference
    // lookups (configuration traffic), which must reach the vault's private endpoint.
    outboundVnetRouting: empty(virtualNetworkSubnetId)
      ? null
      : {
          allTraffic: true
        }
    httpsOnly: true
    clientAffinityEnabled: false
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    basicPublishingCredentialsPolicies: [
      {
        name: 'ftp'
        allow: false
      }
      {
        name: 'scm'
        allow: false
      }
    ]
    configs: [
      {
        name: 'appsettings'
        retainCurrentAppSettings: false // the template is the whole truth; stale settings are removed
        properties: appSettings
      }
    ]
  }
}

output name string = site.outputs.name
output defaultHostname string = site.outputs.defaultHostname
