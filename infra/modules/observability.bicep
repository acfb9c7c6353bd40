// Log Analytics and a workspace-based Application Insights. With entraOnlyIngestion it accepts
// telemetry only from Entra ID identities (local authentication off), so the connection string
// alone cannot write to it; every sender must then authenticate, the app's own exporter included.
targetScope = 'resourceGroup'

@description('Region of the workspace and the component.')
param location string

@description('Prefix of the resource names.')
param namePrefix string

@description('Days the workspace keeps data.')
param logRetentionDays int

@description('Turn local (instrumentation key) authentication off.')
param entraOnlyIngestion bool

@description('Tags for the resources.')
param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: entraOnlyIngestion
  }
}

@description('Resource id of Application Insights.')
output appInsightsId string = appInsights.id

@description('Name of Application Insights.')
output appInsightsName string = appInsights.name

@description('Resource id of the Log Analytics workspace.')
output workspaceId string = workspace.id
