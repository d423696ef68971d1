// What an operator watches (docs/operations.md says what each alert means and what to do): diagnostic settings
// that send the logs and metrics of Service Bus, Cosmos DB and Key Vault to the Log Analytics workspace, and alert
// rules on dead-lettered messages, Failed_TTL, provider throttling and errors, API 5xx and the sweeper's backlog.
// The rules on the app's own metrics (shared/telemetry/metrics.ts) query Application Insights, where the Azure
// Monitor OpenTelemetry distro writes them to customMetrics, and its HTTP spans to requests.

@description('Azure region of the alert rules.')
param location string

@description('Tags for the alert rules and the action group.')
param tags object

@description('Resource id of the Log Analytics workspace that receives the diagnostic logs and metrics.')
param workspaceResourceId string

@description('Resource id of the Application Insights component the app reports to.')
param applicationInsightsResourceId string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('Name of the Cosmos DB account.')
param cosmosAccountName string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Resource id of an existing action group that receives the alerts (e-mail, SMS, webhook, ITSM). Empty: one is created for alertEmailAddress, or the alerts only show in the portal.')
param alertActionGroupId string = ''

@description('Where a created action group e-mails the alerts (used when alertActionGroupId is empty). Empty: no action group is created.')
param alertEmailAddress string = ''

@description('Share of final notifications that may end as Failed_TTL (no delivery report within the expiry) in an hour before the alert fires, in percent.')
@minValue(1)
@maxValue(100)
param failedTtlPercent int = 5

@description('Share of provider calls (ACS, LINK) that may be throttled (429) or fail with a 5xx in 15 minutes before the alert fires, in percent.')
@minValue(1)
@maxValue(100)
param providerFailurePercent int = 10

@description('Orders the sweeper may release again or re-drive (lost messages, expired leases) or fail on in 15 minutes before the backlog alert fires.')
@minValue(1)
param sweeperBacklogThreshold int = 50

var createActionGroup = empty(alertActionGroupId) && !empty(alertEmailAddress)
var operatorsGroupName = 'ag-varsel-operators'
var operatorsGroupId = resourceId('Microsoft.Insights/actionGroups', operatorsGroupName)
var createdGroupIds = createActionGroup ? [operatorsGroupId] : []
var actionGroupIds = empty(alertActionGroupId) ? createdGroupIds : [alertActionGroupId]

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

// Every log category (allLogs) and every platform metric, to the workspace the app's telemetry goes to.
resource serviceBusDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: serviceBus
  properties: {
    workspaceId: workspaceResourceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource cosmosDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: cosmosAccount
  properties: {
    workspaceId: workspaceResourceId
    // Resource-specific tables (CDBDataPlaneRequests, ...) rather than AzureDiagnostics.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Requests'
        enabled: true
      }
    ]
  }
}

resource keyVaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: workspaceResourceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = if (createActionGroup) {
  name: operatorsGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'varsel-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = [for id in actionGroupIds: { actionGroupId: id }]

// Any message in any queue's dead-letter sub-queue: something failed ten deliveries in a row.
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'varsel-dead-lettered-messages'
  location: 'global'
  tags: tags
  dependsOn: [operators]
  properties: {
    description: 'A queue holds dead-lettered messages (docs/operations.md#dead-lettered-messages).'
    severity: 1
    enabled: true
    scopes: [serviceBus.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: actions
  }
}

// The log alerts: one query each over Application Insights, firing when the query returns a row.
var logAlerts = [
  {
    name: 'varsel-failed-ttl-rate'
    description: 'More than ${failedTtlPercent}% of final notifications in the last hour are Failed_TTL (docs/operations.md#failed_ttl-rate).'
    severity: 2
    window: 'PT1H'
    frequency: 'PT15M'
    query: 'customMetrics | where name == "varsel.notifications.final" | extend status = tostring(customDimensions["varsel.notification.status"]) | summarize ttl = sumif(valueSum, status endswith "Failed_TTL"), all = sum(valueSum) | where all > 0 and ttl * 100.0 / all > ${failedTtlPercent}'
  }
  {
    name: 'varsel-provider-throttling-and-errors'
    description: 'More than ${providerFailurePercent}% of ACS or LINK calls in 15 minutes were throttled (429) or failed with a 5xx (docs/operations.md#provider-429-and-5xx-rate).'
    severity: 2
    window: 'PT15M'
    frequency: 'PT5M'
    query: 'let calls = customMetrics | where name == "varsel.provider.duration" | extend provider = tostring(customDimensions["varsel.provider"]) | summarize calls = sum(valueCount) by provider; customMetrics | where name == "varsel.provider.failures" | extend provider = tostring(customDimensions["varsel.provider"]), status = toint(customDimensions["http.response.status_code"]) | where status == 429 or status >= 500 | summarize failed = sum(valueSum) by provider | join kind=inner calls on provider | where calls > 0 and failed * 100.0 / calls > ${providerFailurePercent}'
  }
  {
    name: 'varsel-api-5xx'
    description: 'The API answered with a 5xx in the last 5 minutes (docs/operations.md#api-5xx).'
    severity: 1
    window: 'PT5M'
    frequency: 'PT5M'
    // itemCount: each kept request stands for the ones sampling dropped (OTEL_TRACES_SAMPLER_ARG below 1).
    query: 'requests | where toint(resultCode) >= 500 | summarize failures = sum(itemCount) by name | where failures > 0'
  }
  {
    name: 'varsel-sweeper-backlog'
    description: 'The sweeper re-drove or failed on more than ${sweeperBacklogThreshold} orders in 15 minutes (docs/operations.md#sweeper-backlog).'
    severity: 2
    window: 'PT15M'
    frequency: 'PT5M'
    query: 'customMetrics | where name == "varsel.sweeper.work" | extend action = tostring(customDimensions["varsel.action"]) | where action in ("recovered", "resent", "failed", "quarantined") | summarize work = sum(valueSum) | where work > ${sweeperBacklogThreshold}'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: alert.name
    location: location
    tags: tags
    dependsOn: [operators]
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [applicationInsightsResourceId]
      evaluationFrequency: alert.frequency
      windowSize: alert.window
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: actionGroupIds
      }
    }
  }
]
