// The narrowest role that sends email through Communication Services with Entra ID: the three actions ACS
// documents for it ("Use a custom role to limit permissions granted to the Microsoft Entra Application",
// Azure Communication Services docs, SMTP authentication). Unlike the built-in Communication and Email Service
// Owner it can neither list nor regenerate the access keys, nor delete anything. Assignable in this resource
// group only. Creating it needs Microsoft.Authorization/roleDefinitions/write (Owner or User Access
// Administrator; Role Based Access Control Administrator lacks it).

// Assignable in this resource group only.
var assignableScope = resourceGroup().id

var actions = [
  'Microsoft.Communication/CommunicationServices/Read'
  'Microsoft.Communication/CommunicationServices/Write'
  'Microsoft.Communication/EmailServices/write'
]

resource emailSender 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'varsel-email-sender')
  properties: {
    // Role names are unique in the tenant: the resource group id makes this one's unique too.
    roleName: 'varsel email sender ${uniqueString(resourceGroup().id)}'
    description: 'Send email through the Communication Services resources of resource group ${resourceGroup().name} (varsel).'
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      assignableScope
    ]
  }
}

@description('Role definition id (a GUID) of the email sender role.')
output roleDefinitionId string = emailSender.name
