// The Durable Task Scheduler backend: a scheduler with one task hub, reached with the app's managed identity only
// (the scheduler has no keys). The role is granted on the task hub, not the scheduler, so a second app sharing the
// scheduler cannot read this app's orchestrations.
param name string
param location string
param tags object = {}
@description('Must equal the hubName the app runs with (host.json: %DURABLE_TASK_HUB%).')
param taskHubName string
@allowed(['Consumption', 'Dedicated'])
@description('Consumption: pay per action, 500 actions/s, 30-day retention. Dedicated: capacity units of 2,000 actions/s.')
param skuName string = 'Consumption'
@description('Identity that runs the app: gets Durable Task Data Contributor on the task hub.')
param appPrincipalId string
@description('Optional person granted read access (the scheduler dashboard) for troubleshooting.')
param dashboardPrincipalId string = ''

var roles = {
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
  durableTaskDataReader: 'd6a5505f-6ebb-45a4-896e-ac8274cfc0ac'
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: skuName == 'Dedicated' ? { name: 'Dedicated', capacity: 1 } : { name: 'Consumption' }
    // An empty allow-list denies every caller; access is controlled by Entra ID roles instead.
    ipAllowlist: ['0.0.0.0/0']
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource appDataRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(taskHub.id, appPrincipalId, roles.durableTaskDataContributor)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.durableTaskDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource dashboardRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(dashboardPrincipalId)) {
  name: guid(taskHub.id, dashboardPrincipalId, roles.durableTaskDataReader)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.durableTaskDataReader)
    principalId: dashboardPrincipalId
    principalType: 'User'
  }
}

output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
