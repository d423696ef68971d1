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

@description('Optional extra sender username on the verified custom domain (for example varsel). Empty: send as the DoNotReply sender every provisioned domain has. ACS accepts extra senders only on a custom domain whose sending limits have been raised.')
param customDomainSenderUsername string = ''

@description('Display name of the extra sender username.')
param senderDisplayName string = 'Varsel'

var useCustomDomain = !empty(customDomainName) && customDomainVerified
var useCustomSender = useCustomDomain && !empty(customDomainSenderUsername)

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled' // no open/click tracking: no recipient data leaves the delivery report
  }
}

resource customDomain 'Microsoft.Communication/emailServices/domains@2025-05-01' = if (!empty(customDomainName)) {
  parent: emailService
  name: empty(customDomainName) ? 'unused' : customDomainName
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

// Only on a verified domain, and only when asked: a new custom domain has default sending limits, on which
// ACS does not enable sender usernames beyond its default DoNotReply.
resource customSender 'Microsoft.Communication/emailServices/domains/senderUsernames@2025-05-01' = if (useCustomSender) {
  parent: customDomain
  name: useCustomSender ? customDomainSenderUsername : 'unused'
  properties: {
    username: customDomainSenderUsername
    displayName: senderDisplayName
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    disableLocalAuth: true // Entra ID only: the access keys still exist, but ACS refuses requests signed with them
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

// The From address: a sender username at the domain's fromSenderDomain (the RFC 5322 From domain the recipient
// sees). mailFromSenderDomain is the RFC 5321 envelope (bounce) domain, which need not be the same.
var senderDomain = useCustomDomain
  ? customDomain!.properties.fromSenderDomain
  : managedDomain.properties.fromSenderDomain

output name string = communicationService.name
output resourceId string = communicationService.id
@description('ACS_EMAIL_ENDPOINT: the app signs requests with its managed identity; access keys are disabled.')
output endpoint string = 'https://${communicationService.properties.hostName}'
@description('EMAIL_SENDER_ADDRESS')
output senderAddress string = useCustomSender
  ? '${customSender!.properties.username}@${senderDomain}'
  : 'DoNotReply@${senderDomain}'
@description('DNS records to create for the custom domain before setting customDomainVerified.')
output customDomainVerificationRecords object = !empty(customDomainName) ? customDomain!.properties.verificationRecords : {}
