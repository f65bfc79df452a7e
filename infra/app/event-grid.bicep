// Optional Event Grid topic for completion events. CloudEvents 1.0 in, Entra ID only (no access keys): the app's
// identity publishes with "EventGrid Data Sender" on this topic and nothing else.
param name string
param location string
param tags object = {}
param senderPrincipalId string

var roles = {
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    minimumTlsVersionAllowed: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, senderPrincipalId, roles.eventGridDataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventGridDataSender)
    principalId: senderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = topic.properties.endpoint
output name string = topic.name
