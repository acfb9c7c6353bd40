// The Function App's own storage: the Functions host's blobs, the Durable task hub (queues, tables,
// blobs) and the container the Flex Consumption plan loads the deployment package from. Reached
// only with the app's identity: shared-key access is off and there is no Azure Files share.
targetScope = 'resourceGroup'

@description('Region of the account.')
param location string

@description('Name of the account (3-24 lowercase letters and digits).')
param accountName string

@description('Blob container the deployment package is uploaded to.')
param deploymentContainerName string = 'app-package'

@description('Tags for the account.')
param tags object = {}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

@description('Name of the account.')
output accountName string = account.name

@description('URL of the deployment package container.')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
