// hsm-backup in Azure: a Function App on the Flex Consumption plan that backs up one Managed HSM
// into a backup storage account, with its own host storage, Application Insights on Log
// Analytics, and every Azure RBAC grant it needs. No account key, connection string with a key,
// or publishing password is created or read anywhere in this template.
//
// The Managed HSM's own data-plane grants ("Managed HSM Backup", "Managed HSM Restore") are not
// Azure RBAC and cannot be made here: scripts/grant-hsm-roles.sh makes them (docs/deploy.md).
targetScope = 'resourceGroup'

// ---- Where and what ----------------------------------------------------------------------------

@description('Azure region of the Function App, its host storage and monitoring.')
param location string = resourceGroup().location

@description('Name of the Managed HSM to back up: <name> in https://<name>.managedhsm.azure.net.')
@minLength(3)
@maxLength(24)
param hsmName string

@description('DNS suffix of Managed HSM endpoints in this cloud (managedhsm.usgovcloudapi.net, managedhsm.azure.cn elsewhere).')
param hsmDnsSuffix string = 'managedhsm.azure.net'

@description('Managed HSM data-plane API version the app calls; the pre-backup check needs 7.6 or newer.')
param hsmApiVersion string = '2025-07-01'

@description('Name of the Function App (globally unique host name).')
@minLength(2)
@maxLength(60)
param appName string = 'hsmbackup-${hsmName}-${take(uniqueString(resourceGroup().id), 6)}'

@description('Storage account for the Functions host, the Durable task hub and the deployment package (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param hostStorageAccountName string = 'sthb${take(uniqueString(resourceGroup().id, hsmName), 18)}'

@description('Tags put on every resource this template creates.')
param tags object = {}

// ---- Backup storage ----------------------------------------------------------------------------

@description('Storage account that receives the backups and holds the ledger (3-24 lowercase letters and digits); created or updated.')
@minLength(3)
@maxLength(24)
param backupStorageAccountName string

@description('Resource group of the backup storage account (same subscription); it must exist. Defaults to this deployment\'s group.')
param backupResourceGroupName string = resourceGroup().name

@description('Region of the backup storage account.')
param backupLocation string = location

@description('Redundancy of the backup storage account; geo-redundant by default so a regional outage does not take the backups with it.')
@allowed([
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
  'Standard_ZRS'
  'Standard_LRS'
])
param backupStorageSku string = 'Standard_GRS'

@description('Blob container the backups go into (BACKUP_CONTAINER).')
@minLength(3)
@maxLength(63)
param backupContainerName string = 'hsm-backups'

@description('Table that records every backup attempt (LEDGER_TABLE).')
@minLength(3)
@maxLength(63)
param ledgerTableName string = 'hsmbackupledger'

@description('Whether the backup account accepts shared-key (account key) requests. Off: only Entra ID and user-delegation SAS work.')
param backupAllowSharedKeyAccess bool = false

@description('Days a deleted blob or container stays recoverable; longer than the prune cadence (one prune per successful backup).')
@minValue(2)
@maxValue(365)
param blobSoftDeleteDays int = 14

@description('Days each backup blob is immutable after it is written (time-based retention, unlocked); 0 turns immutability off. Pruning leaves held folders in place and retries later.')
@minValue(0)
@maxValue(146000)
param immutabilityDays int = 0

@description('Put a CanNotDelete lock on the backup storage account.')
param backupDeleteLock bool = true

@description('How the HSM reaches the container: sas (a user-delegation SAS the app mints per backup) or managed-identity (the HSM\'s own user-assigned identity; storage behind a firewall).')
@allowed([
  'sas'
  'managed-identity'
])
param hsmStorageAccess string = 'sas'

@description('Object (principal) id of the user-assigned identity attached to the Managed HSM; required with hsmStorageAccess=managed-identity, which grants it blob write on the container.')
param hsmIdentityPrincipalId string = ''

// ---- Backup behaviour --------------------------------------------------------------------------

@description('BACKUP_SCHEDULE: NCRONTAB, six fields, UTC.')
param backupSchedule string = '0 0 2 * * *'

@description('BACKUP_DEADLINE: how long a job is polled; the SAS is valid for this plus 30 minutes.')
param backupDeadline string = '6h'

@description('Further app settings, e.g. {"RETENTION_KEEP_DAILY": "14"} or ALERT_MAX_BACKUP_AGE_HOURS; they cannot override a setting this template sets.')
param extraAppSettings object = {}

@description('DURABLE_TASK_HUB: the Durable task hub name (3-45 letters and digits).')
param durableTaskHub string = 'hsmbackup'

// ---- Restores ----------------------------------------------------------------------------------

@description('RESTORE_ENABLED: whether the restore endpoints answer at all. Off in Azure unless turned on here.')
param restoreEnabled bool = false

@description('RESTORE_ALLOWED_ROLES: comma-separated app roles allowed to restore. Needs authClientId (App Service authentication), else the app refuses to start.')
param restoreAllowedRoles string = ''

@description('Client id of the Entra app registration that App Service authentication validates tokens for; empty leaves authentication off.')
param authClientId string = ''

// ---- Scale and monitoring ----------------------------------------------------------------------

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Days Log Analytics keeps the app\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('Accept telemetry only from Entra ID identities (Application Insights local authentication off); the host and the app both send with the app identity.')
param telemetryEntraOnly bool = true

@description('Resource id of an action group the alert rules notify; empty creates the rules without notifications.')
param alertActionGroupId string = ''

// ---- Resources ---------------------------------------------------------------------------------

var hsmUrl = 'https://${hsmName}.${hsmDnsSuffix}'
var backupBlobUrl = 'https://${backupStorageAccountName}.blob.${environment().suffixes.storage}'

module hostStorage 'modules/hostStorage.bicep' = {
  name: 'hsmbackup-host-storage'
  params: {
    location: location
    accountName: hostStorageAccountName
    tags: tags
  }
}

module observability 'modules/observability.bicep' = {
  name: 'hsmbackup-observability'
  params: {
    location: location
    namePrefix: appName
    logRetentionDays: logRetentionDays
    entraOnlyIngestion: telemetryEntraOnly
    tags: tags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'hsmbackup-function-app'
  params: {
    location: location
    appName: appName
    tags: tags
    hostStorageAccountName: hostStorage.outputs.accountName
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    appInsightsName: observability.outputs.appInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    authClientId: authClientId
    hsmSettings: {
      HSM_URL: hsmUrl
      HSM_API_VERSION: hsmApiVersion
      HSM_STORAGE_ACCESS: hsmStorageAccess
      BACKUP_STORAGE_URL: backupBlobUrl
      BACKUP_CONTAINER: backupContainerName
      LEDGER_TABLE: ledgerTableName
      BACKUP_SCHEDULE: backupSchedule
      BACKUP_DEADLINE: backupDeadline
      DURABLE_TASK_HUB: durableTaskHub
      RESTORE_ENABLED: restoreEnabled ? 'true' : 'false'
      RESTORE_ALLOWED_ROLES: restoreAllowedRoles
    }
    extraAppSettings: extraAppSettings
  }
}

module backupStorage 'modules/backupStorage.bicep' = {
  name: 'hsmbackup-backup-storage'
  scope: resourceGroup(backupResourceGroupName)
  params: {
    location: backupLocation
    accountName: backupStorageAccountName
    sku: backupStorageSku
    containerName: backupContainerName
    ledgerTableName: ledgerTableName
    allowSharedKeyAccess: backupAllowSharedKeyAccess
    blobSoftDeleteDays: blobSoftDeleteDays
    immutabilityDays: immutabilityDays
    deleteLock: backupDeleteLock
    appPrincipalId: functionApp.outputs.principalId
    hsmIdentityPrincipalId: hsmStorageAccess == 'managed-identity' ? hsmIdentityPrincipalId : ''
    tags: tags
  }
}

// Alert rules and the workbook: see monitoring.bicep.
module monitoring 'monitoring.bicep' = {
  name: 'hsmbackup-monitoring'
  params: {
    appInsightsId: observability.outputs.appInsightsId
    logAnalyticsWorkspaceId: observability.outputs.workspaceId
    hsmName: hsmName
    actionGroupId: alertActionGroupId
  }
}

// ---- Outputs -----------------------------------------------------------------------------------

@description('Name of the Function App.')
output functionAppName string = functionApp.outputs.name

@description('Object id of the Function App\'s system-assigned identity: the principal the HSM grants go to.')
output functionAppPrincipalId string = functionApp.outputs.principalId

@description('Base URL of the app\'s HTTP endpoints.')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('The Managed HSM the app backs up.')
output hsmUrl string = hsmUrl

@description('URL of the backup container (no SAS).')
output backupContainerUrl string = backupStorage.outputs.containerUrl

@description('Resource id of the backup storage account.')
output backupStorageAccountId string = backupStorage.outputs.accountId

@description('Name of Application Insights, where the app\'s logs and alerts live.')
output appInsightsName string = observability.outputs.appInsightsName

@description('The data-plane grant this template cannot make, to run as a Managed HSM administrator.')
output hsmBackupGrantCommand string = 'az keyvault role assignment create --hsm-name ${hsmName} --role "Managed HSM Backup" --assignee-object-id ${functionApp.outputs.principalId} --assignee-principal-type ServicePrincipal --scope /'
