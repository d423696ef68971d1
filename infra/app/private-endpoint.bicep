// A private endpoint for one service in the VNet's private endpoint subnet, with its A record in the
// service's private DNS zone (network.bicep), so the service's usual host name resolves to it in the VNet.

@description('Name of the private endpoint.')
param name string

@description('Azure region of the endpoint (the VNet\'s).')
param location string

@description('Tags for the endpoint.')
param tags object

@description('Resource id of the private endpoint subnet.')
param subnetId string

@description('Resource id of the storage account, Cosmos DB account, Service Bus namespace or Key Vault.')
param targetResourceId string

@description('Sub-resource to connect: blob, Sql, namespace or vault.')
@allowed([
  'blob'
  'Sql'
  'namespace'
  'vault'
])
param groupId string

@description('Resource id of the private DNS zone for that sub-resource.')
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}
