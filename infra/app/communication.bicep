// Azure Communication Services for email: an Email Communication Service with an Azure-managed domain
// (and optionally a custom domain), linked to a Communication Services resource the app sends through.

@description('Name of the Communication Services resource.')
param name string

@description('Name of the Email Communication Service.')
param emailServiceName string

@description('Tags for the resources.')
param tags object

@description('Where ACS stores data at rest, for example Europe or Norway. The email service and the communication resource must share it.')
param dataLocation string

@description('Optional custom sender domain, for example varsel.example.no. Empty: send from the Azure-managed domain only.')
param customDomainName string = ''

@description('Set to true once the custom domain\'s DNS records (output customDomainVerificationRecords) are verified; then it is linked and used as the sender domain.')
param customDomainVerified bool = false

@description('Local part of the sender address on the custom domain. The Azure-managed domain always sends as DoNotReply.')
param customDomainSenderUsername string = 'donotreply'

@description('Display name shown with the custom-domain sender address.')
param senderDisplayName string = 'Varsel'

var useCustomDomain = !empty(customDomainName) && customDomainVerified

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled' // no open/click tracking: no recipient data leaves the delivery report
  }
}

resource customDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (!empty(customDomainName)) {
  parent: emailService
  name: empty(customDomainName) ? 'unused' : customDomainName
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource customSender 'Microsoft.Communication/emailServices/domains/senderUsernames@2023-04-01' = if (!empty(customDomainName)) {
  parent: customDomain
  name: customDomainSenderUsername
  properties: {
    username: customDomainSenderUsername
    displayName: senderDisplayName
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: useCustomDomain
      ? [
          managedDomain.id
          customDomain.id
        ]
      : [
          managedDomain.id
        ]
  }
}

output name string = communicationService.name
output resourceId string = communicationService.id
@description('ACS_EMAIL_ENDPOINT: the app signs requests with its managed identity, so no access key is needed.')
output endpoint string = 'https://${communicationService.properties.hostName}'
@description('EMAIL_SENDER_ADDRESS')
output senderAddress string = useCustomDomain
  ? '${customDomainSenderUsername}@${customDomain!.properties.mailFromSenderDomain}'
  : 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
@description('DNS records to create for the custom domain before setting customDomainVerified.')
output customDomainVerificationRecords object = !empty(customDomainName) ? customDomain!.properties.verificationRecords : {}
