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

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
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

resource site 'Microsoft.Web/sites@2024-04-01' = {
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
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: {
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
      DURABLE_TASK_HUB: 'AksProvisioning'
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
