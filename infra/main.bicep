// varsel on Azure: `azd up` provisions everything below into one resource group.
// Names follow the azd templates: an abbreviation (abbreviations.json) plus a token unique to subscription,
// environment and region. tests/infra checks this template against the code (no Bicep compiler runs there).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for all regional resources. Flex Consumption is available in these regions.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID). It gets the app\'s data roles, plus Key Vault Secrets Officer, so that `func start` can run against Azure. Empty: no grants.')
param principalId string = ''

@description('Principal type of principalId. azd sets it (AZURE_PRINCIPAL_TYPE: User, or ServicePrincipal when it signed in as one).')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Grant the deploying principal data access (see principalId). Set false for production environments.')
param grantPrincipalAccess bool = true

@description('Cosmos DB capacity: Serverless (default) or Autoscale shared database throughput.')
@allowed([
  'Serverless'
  'Autoscale'
])
param cosmosCapacityMode string = 'Serverless'

@description('Autoscale only: maximum RU/s shared by all containers.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('AUTH_ISSUER: issuer of the access tokens the API accepts. Default: Maskinporten production.')
param authIssuer string = 'https://maskinporten.no/'

@description('AUTH_AUDIENCE: audience the API requires in access tokens.')
@minLength(1)
param authAudience string

@description('AUTH_JWKS_URI: where the issuer publishes its signing keys. Default: Maskinporten production.')
param authJwksUri string = 'https://maskinporten.no/jwk'

@description('AUTH_CLOCK_SKEW_SECONDS: tolerated clock difference when checking token times (0, as Altinn: an expired token is refused at once).')
@minValue(0)
@maxValue(300)
param authClockSkewSeconds int = 0

@description('LINK_GATEWAY_URL: the LINK SMS gateway endpoint.')
@minLength(1)
param linkGatewayUrl string

@description('SMS_DEFAULT_SENDER: sender shown on SMS when an order names none (at most 11 characters).')
@minLength(1)
@maxLength(11)
param smsDefaultSender string = 'Varsel'

@secure()
@description('LINK_USERNAME to store in Key Vault. Empty: keep the secret in the vault as it is.')
param linkUsername string = ''

@secure()
@description('LINK_PASSWORD to store in Key Vault. Empty: keep the secret in the vault as it is.')
param linkPassword string = ''

@secure()
@description('LINK_REPORT_USERNAME to store in Key Vault. Empty: keep the secret in the vault as it is.')
param linkReportUsername string = ''

@secure()
@description('LINK_REPORT_PASSWORD to store in Key Vault. Empty: keep the secret in the vault as it is.')
param linkReportPassword string = ''

@secure()
@description('METRICS_API_KEY to store in Key Vault: the X-API-Key of the daily metrics routes (16+ characters). Empty: keep the secret in the vault as it is; no secret: the routes refuse API keys.')
param metricsApiKey string = ''

@description('Where Communication Services stores data at rest (for example Europe or Norway).')
param emailDataLocation string = 'Europe'

@description('Optional custom email domain; see docs/deploy.md for the DNS verification steps.')
param customEmailDomain string = ''

@description('Set to true after the custom email domain is verified, to link it and send from it.')
param customEmailDomainVerified bool = false

@description('Optional sender username on the verified custom domain, once Microsoft has raised its sending limits. Empty: send as DoNotReply@<domain>.')
param customEmailSenderUsername string = ''

@description('SENDING_WINDOW: JSON of the Daytime window (hours, time zone, working days, holiday calendar, extra closed dates).')
param sendingWindow string = '{"startHour":9,"endHour":17,"timeZone":"Europe/Oslo","workingDaysOnly":true,"holidays":"NO"}'

@description('SWEEP_SCHEDULE: NCRONTAB schedule of the sweeper: releases due orders and re-drives overdue work.')
param sweepSchedule string = '0 */1 * * * *'

@description('TERMINATE_SCHEDULE: NCRONTAB schedule of the timer that ends expired notifications.')
param terminateSchedule string = '0 */5 * * * *'

@description('SERVICE_OWNER_LIMITS: per-organisation intake limits as JSON: requests a second, burst, notifications a month (0: no quota), overrides by tenant under "tenants" (docs/integrating.md).')
param serviceOwnerLimits string = '{"requestsPerSecond":200,"burst":2000,"monthlyNotifications":10000000,"tenants":{}}'

@description('ORDER_RETENTION_DAYS: days orders, notifications and message bodies are kept after the order is final (docs/privacy.md).')
@minValue(7)
@maxValue(3650)
param orderRetentionDays int = 90

@description('STATUS_FEED_RETENTION_DAYS: days a status feed entry is kept (Altinn: 90).')
@minValue(1)
@maxValue(3650)
param statusFeedRetentionDays int = 90

@description('DEAD_REPORT_RETENTION_DAYS: days an unapplied delivery report is kept for an operator to replay.')
@minValue(1)
@maxValue(365)
param deadReportRetentionDays int = 30

@description('PACING_ACS_PER_MINUTE: emails a minute per sender domain, shared by all instances (0: no pacing). 25 with a burst of 5 stays within ACS\'s default quota of 30 a minute; raise both with the quota (docs/providers.md).')
@minValue(0)
param pacingAcsPerMinute int = 25

@description('PACING_ACS_BURST: most emails sent at once after a quiet spell.')
@minValue(1)
param pacingAcsBurst int = 5

@description('PACING_LINK_PER_MINUTE: SMS a minute through the LINK account (0: no pacing); the throughput agreed with LINK.')
@minValue(0)
param pacingLinkPerMinute int = 3000

@description('PACING_LINK_BURST: most SMS sent at once after a quiet spell (one gateway submission holds up to 100).')
@minValue(1)
param pacingLinkBurst int = 100

@description('IDEMPOTENCY_CHANGED_PAYLOAD: a reused idempotencyId with a different body; replay answers with the original receipt (as Altinn), conflict answers 409.')
@allowed([
  'replay'
  'conflict'
])
param idempotencyChangedPayload string = 'replay'

@description('STATUS_FEED_TRANSITIONS: whose status feed lists every transition, not only final outcomes: subscribers (tenants with an order.status webhook subscription) or all.')
@allowed([
  'subscribers'
  'all'
])
param statusFeedTransitions string = 'subscribers'

@description('SEND_CONDITION_TOKEN_AUDIENCE: audience of the managed-identity bearer token sent with send-condition calls. Empty: no token.')
param sendConditionTokenAudience string = ''

@description('TEST_SENDCONDITION_ENABLED: serve Altinn\'s test helper tests/sendcondition (for test environments).')
param testSendConditionEnabled bool = false

@description('VNet integration for the app, and private endpoints for storage, Cosmos DB, Service Bus and Key Vault (Service Bus becomes Premium: private endpoints need it). Off: every service has a public endpoint, reached with Entra ID only.')
param vnetEnabled bool = false

@description('Address space of the VNet (vnetEnabled only): a /24 for the app\'s subnet and a /24 for the private endpoints are taken from its start.')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Role the app (and the deploying user) gets on Communication Services to send email: Custom (a role with only the three actions ACS documents for sending; provisioning needs Owner or User Access Administrator) or CommunicationAndEmailServiceOwner (built-in; it can also list and regenerate the access keys).')
@allowed([
  'Custom'
  'CommunicationAndEmailServiceOwner'
])
param emailSenderRole string = 'Custom'

@description('Give the app Azure Service Bus Data Owner on each queue (instead of Data Sender and Data Receiver), so that the scale controller can read queue lengths (target-based scaling). false: Sender and Receiver only; scaling falls back to the incremental monitor (docs/deploy.md).')
param serviceBusScaleByQueueLength bool = true

@description('Memory per Function App instance (MB).')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('Maximum number of Function App instances.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 40

@description('Key Vault purge protection. Leave off to let `azd down --purge` remove the vault.')
param keyVaultPurgeProtection bool = false

@description('Days Log Analytics and Application Insights keep telemetry.')
@allowed([
  30
  60
  90
  120
  180
  270
  365
  550
  730
])
param logRetentionInDays int = 30

@description('Resource id of an existing action group that receives the alerts (docs/operations.md). Empty: one is created for alertEmailAddress, or the alerts only show in the portal.')
param alertActionGroupId string = ''

@description('Where a created action group e-mails the alerts, when alertActionGroupId is empty.')
param alertEmailAddress string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// shared/platform/resources.ts databaseName and queues.deliveryReports.name.
var cosmosDatabaseName = 'varsel'
var deliveryReportsQueueName = 'delivery-reports'

var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
// Email delivery-report events Event Grid could not deliver (after 30 attempts or 24 hours) land here.
var deadLetterContainerName = 'eventgrid-deadletter'

// Communication and Email Service Owner (built-in): the fallback when emailSenderRole is not Custom.
var communicationAndEmailServiceOwner = '09976791-48a7-449e-bb21-39d1a415f350'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.6.0' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.16.1' = {
  name: 'log-analytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    skuName: 'PerGB2018'
    dataRetention: logRetentionInDays
    forceCmkForQuery: false // no customer-managed storage for saved queries
  }
}

module applicationInsights 'br/public:avm/res/insights/component:0.8.0' = {
  name: 'application-insights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true // ingestion only with Entra auth (Monitoring Metrics Publisher)
    disableIpMasking: false // client IP addresses are not stored
    retentionInDays: logRetentionInDays
  }
}

// The VNet, its NAT gateway (outbound to ACS, LINK and the token issuer) and the private DNS zones.
module network 'app/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    natGatewayName: '${abbrs.networkNatGateways}${resourceToken}'
    publicIpName: '${abbrs.networkPublicIPAddresses}nat-${resourceToken}'
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
  }
}

module storage 'br/public:avm/res/storage/storage-account:0.33.0' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    kind: 'StorageV2'
    allowSharedKeyAccess: false // identity only: the host and the deployment both use the managed identity
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    // The module turns the firewall on (defaultAction Deny) when networkAcls is not passed. Without a VNet the
    // host (timer locks, keys) and the deployment reach storage over its public endpoint, so it must allow
    // them, as the azd templates do. With the VNet the app uses the private endpoint, and the firewall admits
    // only trusted Azure services (Event Grid writing dead-lettered events with its identity).
    networkAcls: vnetEnabled
      ? {
          defaultAction: 'Deny'
          bypass: 'AzureServices'
        }
      : {
          defaultAction: 'Allow'
          bypass: 'AzureServices'
        }
    blobServices: {
      containers: [
        {
          name: deploymentContainerName
        }
        {
          name: deadLetterContainerName
        }
      ]
    }
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.7.0' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    kind: 'functionapp'
    skuName: 'FC1' // Flex Consumption
    reserved: true // Linux
    zoneRedundant: false
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
  }
}

module serviceBus 'app/service-bus.bicep' = {
  name: 'service-bus'
  scope: rg
  params: {
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
  }
}

module communication 'app/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    name: '${abbrs.communicationServices}${resourceToken}'
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    tags: tags
    dataLocation: emailDataLocation
    customDomainName: customEmailDomain
    customDomainVerified: customEmailDomainVerified
    customDomainSenderUsername: customEmailSenderUsername
  }
}

module events 'app/events.bicep' = {
  name: 'events'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}acs-${resourceToken}'
    tags: tags
    communicationServiceName: communication.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    deliveryReportsQueueName: deliveryReportsQueueName
    storageAccountName: storage.outputs.name
    deadLetterContainerName: deadLetterContainerName
  }
}

module keyVault 'app/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    linkUsername: linkUsername
    linkPassword: linkPassword
    linkReportUsername: linkReportUsername
    linkReportPassword: linkReportPassword
    metricsApiKey: metricsApiKey
  }
}

// One private endpoint (with its DNS record) per service the app reaches, when vnetEnabled.
module storagePrivateEndpoint 'app/private-endpoint.bicep' = if (vnetEnabled) {
  name: 'storage-private-endpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}blob-${resourceToken}'
    location: location
    tags: tags
    subnetId: network!.outputs.privateEndpointSubnetId
    targetResourceId: storage.outputs.resourceId
    groupId: 'blob'
    privateDnsZoneId: network!.outputs.privateDnsZoneIds.blob
  }
}

module cosmosPrivateEndpoint 'app/private-endpoint.bicep' = if (vnetEnabled) {
  name: 'cosmos-private-endpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}cosmos-${resourceToken}'
    location: location
    tags: tags
    subnetId: network!.outputs.privateEndpointSubnetId
    targetResourceId: cosmos.outputs.resourceId
    groupId: 'Sql'
    privateDnsZoneId: network!.outputs.privateDnsZoneIds.cosmos
  }
}

module serviceBusPrivateEndpoint 'app/private-endpoint.bicep' = if (vnetEnabled) {
  name: 'service-bus-private-endpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}sb-${resourceToken}'
    location: location
    tags: tags
    subnetId: network!.outputs.privateEndpointSubnetId
    targetResourceId: serviceBus.outputs.resourceId
    groupId: 'namespace'
    privateDnsZoneId: network!.outputs.privateDnsZoneIds.serviceBus
  }
}

module keyVaultPrivateEndpoint 'app/private-endpoint.bicep' = if (vnetEnabled) {
  name: 'key-vault-private-endpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}kv-${resourceToken}'
    location: location
    tags: tags
    subnetId: network!.outputs.privateEndpointSubnetId
    targetResourceId: keyVault.outputs.resourceId
    groupId: 'vault'
    privateDnsZoneId: network!.outputs.privateDnsZoneIds.keyVault
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  // With the VNet, storage (deployment package, host locks) and Key Vault (the LINK references) are reached
  // through their private endpoints only: they must exist before the app starts.
  dependsOn: [
    storagePrivateEndpoint
    keyVaultPrivateEndpoint
  ]
  params: {
    name: functionAppName
    location: location
    tags: tags
    planId: plan.outputs.resourceId
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: applicationInsights.outputs.connectionString
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    acsEmailEndpoint: communication.outputs.endpoint
    emailSenderAddress: communication.outputs.senderAddress
    linkGatewayUrl: linkGatewayUrl
    secretUris: keyVault.outputs.secretUris
    smsDefaultSender: smsDefaultSender
    authIssuer: authIssuer
    authAudience: authAudience
    authJwksUri: authJwksUri
    authClockSkewSeconds: authClockSkewSeconds
    sendingWindow: sendingWindow
    sweepSchedule: sweepSchedule
    terminateSchedule: terminateSchedule
    serviceOwnerLimits: serviceOwnerLimits
    orderRetentionDays: orderRetentionDays
    statusFeedRetentionDays: statusFeedRetentionDays
    deadReportRetentionDays: deadReportRetentionDays
    pacingAcsPerMinute: pacingAcsPerMinute
    pacingAcsBurst: pacingAcsBurst
    pacingLinkPerMinute: pacingLinkPerMinute
    pacingLinkBurst: pacingLinkBurst
    idempotencyChangedPayload: idempotencyChangedPayload
    statusFeedTransitions: statusFeedTransitions
    sendConditionTokenAudience: sendConditionTokenAudience
    testSendConditionEnabled: testSendConditionEnabled
  }
}

// The narrowest role that sends email (emailSenderRole Custom): the three actions ACS documents for it.
module emailSenderRoleDefinition 'app/email-sender-role.bicep' = if (emailSenderRole == 'Custom') {
  name: 'email-sender-role'
  scope: rg
}

var emailSenderRoleId = emailSenderRole == 'Custom'
  ? emailSenderRoleDefinition!.outputs.roleDefinitionId
  : communicationAndEmailServiceOwner

// The app's identity: every data role it needs, each on the one resource that needs it.
module appRoles 'app/rbac.bicep' = {
  name: 'app-roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    manageSecrets: false
    manageQueues: serviceBusScaleByQueueLength
    storageAccountName: storage.outputs.name
    applicationInsightsName: applicationInsights.outputs.name
    cosmosAccountName: cosmos.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    queueNames: serviceBus.outputs.queueNames
    communicationServiceName: communication.outputs.name
    emailSenderRoleId: emailSenderRoleId
    keyVaultName: keyVault.outputs.name
  }
}

// Optionally the deploying user: the same roles for `func start` against Azure, and Secrets Officer
// to set and rotate the LINK credentials. After appRoles: Cosmos DB applies one sqlRoleAssignments change
// on an account at a time and fails a concurrent one (412 Precondition Failed).
module principalRoles 'app/rbac.bicep' = if (grantPrincipalAccess && !empty(principalId)) {
  name: 'principal-roles'
  scope: rg
  dependsOn: [
    appRoles
  ]
  params: {
    principalId: principalId
    principalType: principalType
    manageSecrets: true
    manageQueues: false
    storageAccountName: storage.outputs.name
    applicationInsightsName: applicationInsights.outputs.name
    cosmosAccountName: cosmos.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    queueNames: serviceBus.outputs.queueNames
    communicationServiceName: communication.outputs.name
    emailSenderRoleId: emailSenderRoleId
    keyVaultName: keyVault.outputs.name
  }
}

// Diagnostic settings and alert rules (docs/operations.md).
module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    applicationInsightsResourceId: applicationInsights.outputs.resourceId
    serviceBusNamespaceName: serviceBus.outputs.name
    cosmosAccountName: cosmos.outputs.name
    keyVaultName: keyVault.outputs.name
    alertActionGroupId: alertActionGroupId
    alertEmailAddress: alertEmailAddress
  }
}

// azd stores these outputs in the environment (`azd env get-values`); infra/hooks/postprovision.sh writes
// local.settings.json from them. Outputs named like an app setting carry that setting's value.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostname}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.serviceEndpoints.blob
output APPLICATIONINSIGHTS_CONNECTION_STRING string = applicationInsights.outputs.connectionString
output EMAIL_CUSTOM_DOMAIN_VERIFICATION_RECORDS object = communication.outputs.customDomainVerificationRecords
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output ServiceBusConnection__fullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output ACS_EMAIL_ENDPOINT string = communication.outputs.endpoint
output EMAIL_SENDER_ADDRESS string = communication.outputs.senderAddress
output LINK_GATEWAY_URL string = linkGatewayUrl
output SMS_DEFAULT_SENDER string = smsDefaultSender
output AUTH_ISSUER string = authIssuer
output AUTH_AUDIENCE string = authAudience
output AUTH_JWKS_URI string = authJwksUri
output AUTH_CLOCK_SKEW_SECONDS int = authClockSkewSeconds
output SENDING_WINDOW string = sendingWindow
output SWEEP_SCHEDULE string = sweepSchedule
output TERMINATE_SCHEDULE string = terminateSchedule
output SERVICE_OWNER_LIMITS string = serviceOwnerLimits
output ORDER_RETENTION_DAYS int = orderRetentionDays
output STATUS_FEED_RETENTION_DAYS int = statusFeedRetentionDays
output DEAD_REPORT_RETENTION_DAYS int = deadReportRetentionDays
output PACING_ACS_PER_MINUTE int = pacingAcsPerMinute
output PACING_ACS_BURST int = pacingAcsBurst
output PACING_LINK_PER_MINUTE int = pacingLinkPerMinute
output PACING_LINK_BURST int = pacingLinkBurst
output IDEMPOTENCY_CHANGED_PAYLOAD string = idempotencyChangedPayload
output STATUS_FEED_TRANSITIONS string = statusFeedTransitions
output SEND_CONDITION_TOKEN_AUDIENCE string = sendConditionTokenAudience
output TEST_SENDCONDITION_ENABLED bool = testSendConditionEnabled
@description('With the VNet: the app\'s fixed outbound IP address (its NAT gateway), for callers that allow-list it.')
output OUTBOUND_IP_ADDRESS string = vnetEnabled ? network!.outputs.outboundIpAddress : ''
