// aks-provisioning-api on Azure Functions Flex Consumption, deployed with `azd up`.
// Subscription scope: the app gets the rights to provision AKS clusters in this subscription.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name and tag every resource.')
param environmentName string

@minLength(1)
@description('Region of the API itself (not of the clusters it builds).')
param location string

@description('Comma-separated regions clusters may be created in; empty allows any.')
param allowedLocations string = ''

@description('Object id of the person running azd, granted read access to the app\'s storage for troubleshooting; optional.')
param principalId string = ''

@description('Seconds between AKS cluster polls on durable timers (each a GET of the cluster: its AKS bucket is per cluster).')
param clusterPollIntervalSeconds int = 10

@allowed(['azureStorage', 'durableTaskScheduler'])
@description('Where Durable Functions keeps orchestration state. Switching an existing environment starts an empty task hub: in-flight runs do not move.')
param durableBackend string = 'azureStorage'

@allowed(['Consumption', 'Dedicated'])
@description('Durable Task Scheduler SKU (durableBackend = durableTaskScheduler only).')
param durableTaskSchedulerSku string = 'Consumption'

@description('Entra ID application (client) id for App Service Authentication; empty leaves Easy Auth off.')
param authClientId string = ''

@description('ACCESS_POLICY JSON: which app roles and groups may use which subscriptions and groups (docs/access.md).')
param accessPolicy string = ''

@description('CALLER_KEYS JSON: machine callers\' key hashes and the scope each reaches (docs/access.md).')
param callerKeys string = ''

@description('NOTIFY_ALLOWED_HOSTS: the only webhook receivers callers may name (hosts, *.domain); empty = any.')
param notifyAllowedHosts string = ''

@description('Deploy an Event Grid topic (CloudEvents 1.0) the app publishes completion events to.')
param eventGridTopic bool = false

var abbrs = {
  resourceGroup: 'rg-'
  functionApp: 'func-'
  plan: 'plan-'
  storage: 'st'
  identity: 'id-'
  logAnalytics: 'log-'
  appInsights: 'appi-'
  durableTaskScheduler: 'dts-'
  eventGridTopic: 'evgt-'
}
var taskHubName = 'AksProvisioning'
var useScheduler = durableBackend == 'durableTaskScheduler'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.identity}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.logAnalytics}${resourceToken}'
    appInsightsName: '${abbrs.appInsights}${resourceToken}'
    location: location
    tags: tags
    monitoringReaderPrincipalId: identity.outputs.principalId
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storage}${resourceToken}'
    location: location
    tags: tags
    dataPrincipalIds: [identity.outputs.principalId]
    grantQueueData: !useScheduler
    readerPrincipalId: principalId
  }
}

module scheduler 'app/durable-task-scheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskScheduler}${resourceToken}'
    location: location
    tags: tags
    taskHubName: taskHubName
    skuName: durableTaskSchedulerSku
    appPrincipalId: identity.outputs.principalId
    dashboardPrincipalId: principalId
  }
}

module events 'app/event-grid.bicep' = if (eventGridTopic) {
  name: 'event-grid'
  scope: rg
  params: {
    name: '${abbrs.eventGridTopic}${resourceToken}'
    location: location
    tags: tags
    senderPrincipalId: identity.outputs.principalId
  }
}

module api 'app/function.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: '${abbrs.functionApp}api-${resourceToken}'
    planName: '${abbrs.plan}${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${storage.outputs.deploymentContainerName}'
    appInsightsConnectionString: monitoring.outputs.connectionString
    allowedSubscriptionIds: subscription().subscriptionId
    allowedLocations: allowedLocations
    clusterPollIntervalSeconds: clusterPollIntervalSeconds
    taskHubName: taskHubName
    durableBackend: durableBackend
    durableTaskSchedulerEndpoint: useScheduler ? scheduler!.outputs.endpoint : ''
    authClientId: authClientId
    accessPolicy: accessPolicy
    callerKeys: callerKeys
    notifyAllowedHosts: notifyAllowedHosts
    publishEvents: eventGridTopic
    eventGridTopicEndpoint: eventGridTopic ? events!.outputs.endpoint : ''
  }
}

// What the API needs where it builds clusters: Contributor, plus the right to grant Network Contributor and nothing else.
module provisioningRights 'app/provisioning-rights.bicep' = {
  name: 'provisioning-rights'
  params: {
    principalId: identity.outputs.principalId
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}/api'
output DURABLE_BACKEND string = durableBackend
output DURABLE_TASK_SCHEDULER_ENDPOINT string = useScheduler ? scheduler!.outputs.endpoint : ''
output EVENT_GRID_TOPIC_ENDPOINT string = eventGridTopic ? events!.outputs.endpoint : ''
