// azd's environment reaches Bicep as environment variables: `azd env set DURABLE_BACKEND durableTaskScheduler`.
// AZURE_ENV_NAME and AZURE_LOCATION are always set by azd; the rest have the defaults shown.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param allowedLocations = readEnvironmentVariable('ALLOWED_LOCATIONS', 'eastus2,eastus')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param durableBackend = readEnvironmentVariable('DURABLE_BACKEND', 'azureStorage')
param durableTaskSchedulerSku = readEnvironmentVariable('DURABLE_TASK_SCHEDULER_SKU', 'Consumption')
param authClientId = readEnvironmentVariable('AUTH_CLIENT_ID', '')
param eventGridTopic = bool(readEnvironmentVariable('EVENT_GRID_TOPIC', 'false'))
param accessPolicy = readEnvironmentVariable('ACCESS_POLICY', '')
param callerKeys = readEnvironmentVariable('CALLER_KEYS', '')
param notifyAllowedHosts = readEnvironmentVariable('NOTIFY_ALLOWED_HOSTS', '')
