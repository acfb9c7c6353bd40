// The Function App: Flex Consumption (Linux, Node 22, Functions v4) with a system-assigned
// identity, identity-based host storage, Entra-only telemetry ingestion, publishing passwords off,
// and App Service authentication when a client id is given.
targetScope = 'resourceGroup'

@description('Region of the plan and the app.')
param location string

@description('Name of the Function App.')
param appName string

@description('Tags for the plan and the app.')
param tags object = {}

@description('Name of the host storage account (in this resource group).')
param hostStorageAccountName string

@description('URL of the container the deployment package is loaded from.')
param deploymentContainerUrl string

@description('Name of Application Insights (in this resource group).')
param appInsightsName string

@description('Memory of each instance, in MB.')
param instanceMemoryMB int

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Client id of the Entra app registration for App Service authentication; empty: off.')
param authClientId string

@description('The app\'s own settings (HSM, backup storage, schedule, restores).')
param hsmSettings object

@description('Further settings (RETENTION_* and the like); they cannot override any setting above.')
param extraAppSettings object

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan'
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
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Publishing passwords are standing secrets: deployments authenticate with Entra ID instead.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

// The Functions host keeps its keys and leases in blobs (Blob Data Owner); Durable Task keeps its
// work items in queues and its history and instances in tables.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, site.id, roleIds.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup host storage: Functions host blobs, deployment package, task hub blobs'
  }
}

resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, site.id, roleIds.storageQueueDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup host storage: Durable task hub queues'
  }
}

resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, site.id, roleIds.storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup host storage: Durable task hub history and instance tables'
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, site.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup: telemetry ingestion with Entra ID'
  }
}

// Settings are applied once the host storage grants exist, so the host never starts against
// storage it cannot reach yet. The app's own settings win over anything in extraAppSettings.
var platformSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__blobServiceUri: hostStorage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: hostStorage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: hostStorage.properties.primaryEndpoints.table
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  BACKUP_STORAGE_AUTH: 'user-delegation'
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(extraAppSettings, hsmSettings, platformSettings)
  dependsOn: [
    hostBlobOwner
    hostQueueContributor
    hostTableContributor
    telemetryPublisher
  ]
}

// App Service authentication validates Entra ID tokens and strips client-supplied principal
// headers, which is what lets the app trust the roles RESTORE_ALLOWED_ROLES names. Callers
// without a token still reach the function-key endpoints; restores then refuse them.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(authClientId)) {
  parent: site
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
          allowedAudiences: [
            'api://${authClientId}'
          ]
        }
      }
    }
  }
}

@description('Name of the Function App.')
output name string = site.name

@description('Object id of the app\'s system-assigned identity.')
output principalId string = site.identity.principalId

@description('Default host name of the app.')
output defaultHostName string = site.properties.defaultHostName
