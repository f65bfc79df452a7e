// The Functions/Durable storage account, reachable through Entra ID only: shared key access is off.
param name string
param location string
param tags object = {}
@description('Identities that run the app: blob (host, deployment package) and table data access; queues when Durable runs on Azure Storage.')
param dataPrincipalIds array
@description('Queue data access: only the Azure Storage Durable backend uses queues (control and work-item queues).')
param grantQueueData bool = true
@description('Optional person granted read access for troubleshooting.')
param readerPrincipalId string = ''

var deploymentContainerName = 'app-package'
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }

  resource blobs 'blobServices' = {
    name: 'default'
    resource deployments 'containers' = {
      name: deploymentContainerName
    }
  }
}

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in flatten(map(dataPrincipalIds, p => [
    { principalId: p, role: roles.blobDataOwner, granted: true }
    { principalId: p, role: roles.queueDataContributor, granted: grantQueueData }
    { principalId: p, role: roles.tableDataContributor, granted: true }
  ])): if (assignment.granted) {
    name: guid(storage.id, assignment.principalId, assignment.role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.role)
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(readerPrincipalId)) {
  name: guid(storage.id, readerPrincipalId, roles.blobDataReader)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataReader)
    principalId: readerPrincipalId
    principalType: 'User'
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainerName
