// Key Vault for the LINK SMS gateway credentials and the metrics API key. The app reads them through Key Vault references in its
// app settings (see function-app.bicep); an operator sets and rotates them (docs/deploy.md).

@description('Name of the Key Vault.')
param name string

@description('Azure region of the vault.')
param location string

@description('Tags for the vault.')
param tags object

@description('Disabled with the VNet: the app resolves its Key Vault references through the private endpoint.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Purge protection keeps a deleted vault for the retention period; it also stops `azd down --purge` from removing it.')
param enablePurgeProtection bool = false

// Each credential is written only when a value is given, so a provision never overwrites a secret
// that an operator set or rotated in the vault.
@secure()
@description('LINK_USERNAME; empty: leave the secret as it is.')
param linkUsername string = ''

@secure()
@description('LINK_PASSWORD; empty: leave the secret as it is.')
param linkPassword string = ''

@secure()
@description('LINK_REPORT_USERNAME; empty: leave the secret as it is.')
param linkReportUsername string = ''

@secure()
@description('LINK_REPORT_PASSWORD; empty: leave the secret as it is.')
param linkReportPassword string = ''

@secure()
@description('METRICS_API_KEY; empty: leave the secret as it is.')
param metricsApiKey string = ''

// Secret names, one per app setting.
var secretNames = {
  LINK_USERNAME: 'link-username'
  LINK_PASSWORD: 'link-password'
  LINK_REPORT_USERNAME: 'link-report-username'
  LINK_REPORT_PASSWORD: 'link-report-password'
  METRICS_API_KEY: 'metrics-api-key'
}

module vault 'br/public:avm/res/key-vault/vault:0.14.0' = {
  name: 'key-vault'
  params: {
    name: name
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true // Key Vault Secrets User for the app, Secrets Officer for the operator (rbac.bicep)
    enablePurgeProtection: enablePurgeProtection
    softDeleteRetentionInDays: 7
    enableVaultForDeployment: false
    enableVaultForTemplateDeployment: false
    enableVaultForDiskEncryption: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
    }
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: name
}

resource linkUsernameSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(linkUsername)) {
  parent: keyVault
  name: secretNames.LINK_USERNAME
  properties: {
    value: linkUsername
  }
  dependsOn: [
    vault
  ]
}

resource linkPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(linkPassword)) {
  parent: keyVault
  name: secretNames.LINK_PASSWORD
  properties: {
    value: linkPassword
  }
  dependsOn: [
    vault
  ]
}

resource linkReportUsernameSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(linkReportUsername)) {
  parent: keyVault
  name: secretNames.LINK_REPORT_USERNAME
  properties: {
    value: linkReportUsername
  }
  dependsOn: [
    vault
  ]
}

resource linkReportPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(linkReportPassword)) {
  parent: keyVault
  name: secretNames.LINK_REPORT_PASSWORD
  properties: {
    value: linkReportPassword
  }
  dependsOn: [
    vault
  ]
}

resource metricsApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(metricsApiKey)) {
  parent: keyVault
  name: secretNames.METRICS_API_KEY
  properties: {
    value: metricsApiKey
  }
  dependsOn: [
    vault
  ]
}

output name string = vault.outputs.name
output resourceId string = vault.outputs.resourceId
output uri string = vault.outputs.uri
@description('App setting name to versionless secret URI: App Service resolves the latest version.')
output secretUris object = {
  LINK_USERNAME: '${vault.outputs.uri}secrets/${secretNames.LINK_USERNAME}'
  LINK_PASSWORD: '${vault.outputs.uri}secrets/${secretNames.LINK_PASSWORD}'
  LINK_REPORT_USERNAME: '${vault.outputs.uri}secrets/${secretNames.LINK_REPORT_USERNAME}'
  LINK_REPORT_PASSWORD: '${vault.outputs.uri}secrets/${secretNames.LINK_REPORT_PASSWORD}'
  METRICS_API_KEY: '${vault.outputs.uri}secrets/${secretNames.METRICS_API_KEY}'
}
@description('Secret names, for the postprovision hook.')
output secretNames object = secretNames
