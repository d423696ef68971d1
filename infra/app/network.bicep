// The VNet for vnetEnabled: a subnet the Function App integrates with (delegated to Microsoft.App/environments,
// as Flex Consumption requires), a subnet for the private endpoints, a NAT gateway that gives the app a fixed
// outbound address to ACS, LINK and the token issuer (subnets here have no default outbound access), and the
// private DNS zones that resolve the services' names to their private endpoints inside the VNet.

@description('Name of the virtual network.')
param name string

@description('Name of the NAT gateway.')
param natGatewayName string

@description('Name of the NAT gateway\'s public IP address.')
param publicIpName string

@description('Azure region of the network.')
param location string

@description('Tags for the resources.')
param tags object

@description('Address space of the VNet; the app subnet and the private endpoint subnet are its first two /24s.')
param addressPrefix string

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'

// Private DNS zones of the four services with private endpoints (Azure public cloud names).
var privateDnsZoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  cosmos: 'privatelink.documents.azure.com'
  serviceBus: 'privatelink.servicebus.windows.net'
  keyVault: 'privatelink.vaultcore.azure.net'
}

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: publicIpName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: natGatewayName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      {
        id: publicIp.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          defaultOutboundAccess: false
          natGateway: {
            id: natGateway.id
          }
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          defaultOutboundAccess: false
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource privateDnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(privateDnsZoneNames): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource privateDnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(privateDnsZoneNames): {
    parent: privateDnsZones[i]
    name: name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, appSubnetName)
output privateEndpointSubnetId string = resourceId(
  'Microsoft.Network/virtualNetworks/subnets',
  vnet.name,
  privateEndpointSubnetName
)
@description('Private DNS zone id per service.')
output privateDnsZoneIds object = {
  blob: resourceId('Microsoft.Network/privateDnsZones', privateDnsZoneNames.blob)
  cosmos: resourceId('Microsoft.Network/privateDnsZones', privateDnsZoneNames.cosmos)
  serviceBus: resourceId('Microsoft.Network/privateDnsZones', privateDnsZoneNames.serviceBus)
  keyVault: resourceId('Microsoft.Network/privateDnsZones', privateDnsZoneNames.keyVault)
}
@description('The app\'s outbound address (give it to LINK if it restricts callers by IP).')
output outboundIpAddress string = publicIp.properties.ipAddress
