// The Function App on Flex Consumption, Node 22, talking to storage and App Insights with its managed identity.
param name string
param planName string
param location string
param tags object = {}
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param appInsightsConnectionString string
param allowedSubscriptionIds string
param allowedLocations string
param clusterPollIntervalSeconds int
@description('Name of the Durable task hub; on the Durable Task Scheduler it is the task hub resource\'s name.')
param taskHubName string
@allowed(['azureStorage', 'durableTaskScheduler'])
param durableBackend string
@description('Scheduler endpoint (https://….durabletask.io) when durableBackend is durableTaskScheduler; empty otherwise.')
param durableTaskSchedulerEndpoint string = ''
@minValue(1)
@maxValue(10)
@description('Azure Storage backend: longest wait between polls of an idle queue. Flex Consumption wants 10 s or less.')
param queuePollingIntervalSeconds int = 5
@description('Entra ID app registration (client id) that App Service Authentication validates tokens for; empty leaves it off.')
param authClientId string = ''
@description('ACCESS_POLICY: grants of app roles and groups to subscriptions and resource groups; empty = none.')
param accessPolicy string = ''
@description('CALLER_KEYS: machine callers\' key hashes and scopes; empty = no key is accepted.')
param callerKeys string = ''
@description('NOTIFY_ALLOWED_HOSTS: the only webhook receivers callers may name; empty = any the address rules allow.')
param notifyAllowedHosts string = ''
@description('Whether an Event Grid topic is deployed for completion events.')
param publishEvents bool = false
@description('That topic\'s endpoint; known only during the deployment, so publishEvents decides the setting.')
param eventGridTopicEndpoint string = ''

// Durable's storage provider is switched by app settings that override host.json
// (AzureFunctionsJobHost__<path to the host.json property>), so one host.json serves both backends and the local stack.
var durableSettings = {
  azureStorage: {
    // Idle queues back off to this interval; the 30 s default makes a quiet Flex app slow to pick up work.
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval: '00:00:${padLeft(string(queuePollingIntervalSeconds), 2, '0')}'
  }
  durableTaskScheduler: {
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
    // Identity-based: ClientID picks the user-assigned identity; the scheduler has no keys to leak.
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
  }
}
// Flex Consumption scales durable triggers as one group. On Azure Storage a cold app only notices new work when the
// scale controller polls the queues, so one instance stays warm; the scheduler pushes work and scales the app itself.
var alwaysReady = {
  azureStorage: [{ name: 'durable', instanceCount: 1 }]
  durableTaskScheduler: []
}
var easyAuthEnabled = !empty(authClientId)

var optionalSettings = union(
  easyAuthEnabled ? { EASY_AUTH_ENABLED: 'true' } : {},
  empty(accessPolicy) ? {} : { ACCESS_POLICY: accessPolicy },
  empty(callerKeys) ? {} : { CALLER_KEYS: callerKeys },
  empty(notifyAllowedHosts) ? {} : { NOTIFY_ALLOWED_HOSTS: notifyAllowedHosts },
  publishEvents ? { EVENT_GRID_TOPIC_ENDPOINT: eventGridTopicEndpoint } : {}
)

var baseSettings = {
  // Storage through the managed identity: no connection string, no key.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Read by src/config.ts.
  AZURE_CLIENT_ID: identityClientId
  AZURE_RESOURCE_MANAGER_ENDPOINT: environment().resourceManager
  ALLOWED_SUBSCRIPTION_IDS: allowedSubscriptionIds
  ALLOWED_LOCATIONS: allowedLocations
  CLUSTER_POLL_INTERVAL_SECONDS: string(clusterPollIntervalSeconds)
  FEATURE_POLL_INTERVAL_SECONDS: '30'
  ROLE_ASSIGNMENT_RETRY_SECONDS: '10'
  CLUSTER_TIMEOUT_MINUTES: '90'
  POD_READY_TIMEOUT_MINUTES: '15'
  DURABLE_TASK_HUB: taskHubName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 40
        instanceMemoryMB: 2048
        alwaysReady: alwaysReady[durableBackend]
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(baseSettings, durableSettings[durableBackend], optionalSettings)
  }

  // App Service Authentication (Easy Auth) validates Entra ID tokens and hands the caller to the app in
  // x-ms-client-principal (and strips any such header a client sends): people by their user token or browser session,
  // pipelines by their app's client-credentials token. Requests without one still pass so that machine callers can
  // send a CALLER_KEYS key; the app refuses anyone it cannot identify (the routes are anonymous to the host).
  resource auth 'config' = if (easyAuthEnabled) {
    name: 'authsettingsV2'
    properties: {
      platform: {
        enabled: true
      }
      globalValidation: {
        requireAuthentication: false
        unauthenticatedClientAction: 'AllowAnonymous'
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: true
          registration: {
            clientId: authClientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          }
          validation: {
            allowedAudiences: [authClientId, 'api://${authClientId}']
          }
        }
      }
      login: {
        // A stateless API: no token store, nothing to refresh.
        tokenStore: { enabled: false }
      }
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
