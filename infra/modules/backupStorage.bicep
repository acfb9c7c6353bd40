// The storage account that receives the HSM's backups and holds the ledger, with the narrowest
// grants that let the app mint a user-delegation SAS, prune, and write the ledger.
targetScope = 'resourceGroup'

@description('Region of the account.')
param location string

@description('Name of the account.')
param accountName string

@description('Redundancy (SKU) of the account.')
param sku string

@description('Container the backups go into.')
param containerName string

@description('Ledger table.')
param ledgerTableName string

@description('Whether shared-key requests are accepted.')
param allowSharedKeyAccess bool

@description('Days deleted blobs and containers stay recoverable.')
param blobSoftDeleteDays int

@description('Days each blob is immutable after it is written; 0: off.')
param immutabilityDays int

@description('Put a CanNotDelete lock on the account.')
param deleteLock bool

@description('Object id of the Function App\'s identity.')
param appPrincipalId string

@description('Object id of the HSM\'s user-assigned identity (managed-identity backups); empty: none.')
param hsmIdentityPrincipalId string

@description('Tags for the account.')
param tags object = {}

var roleIds = {
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: allowSharedKeyAccess
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
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

// Unlocked on purpose: an operator locks it once the period is right, because a locked policy
// can never be shortened or removed.
resource immutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (immutabilityDays > 0) {
  parent: container
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: immutabilityDays
    allowProtectedAppendWrites: false
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource ledgerTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: ledgerTableName
}

resource noDelete 'Microsoft.Authorization/locks@2020-05-01' = if (deleteLock) {
  name: '${accountName}-no-delete'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the Managed HSM backups. Remove this lock only to retire the account on purpose.'
  }
}

// A user-delegation key is requested from the account, not from a container: this is the one
// account-wide grant, and it carries no data access of its own.
resource appBlobDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appPrincipalId, roleIds.storageBlobDelegator)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDelegator)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup: user-delegation key for the container SAS'
  }
}

// A user-delegation SAS carries at most its signer's own rights: the app needs create and write
// for the HSM's backup, and read, list and delete to check folders and prune them.
resource appBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, appPrincipalId, roleIds.storageBlobDataContributor)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup: the SAS it delegates, folder checks and pruning, this container only'
  }
}

resource appLedgerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ledgerTable.id, appPrincipalId, roleIds.storageTableDataContributor)
  scope: ledgerTable
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup: the ledger table only'
  }
}

resource hsmBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hsmIdentityPrincipalId)) {
  name: guid(container.id, hsmIdentityPrincipalId, roleIds.storageBlobDataContributor)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: hsmIdentityPrincipalId
    principalType: 'ServicePrincipal'
    description: 'hsm-backup: the Managed HSM writes its backups with its own identity, this container only'
  }
}

@description('Resource id of the account.')
output accountId string = account.id

@description('URL of the backup container (no SAS).')
output containerUrl string = '${account.properties.primaryEndpoints.blob}${container.name}'
