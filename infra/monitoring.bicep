// Placeholder: the monitoring work replaces this file with the alert rules and the workbook.
// main.bicep calls it as a module with exactly these parameters; keep their names and types.
targetScope = 'resourceGroup'

@description('Resource id of the app\'s Application Insights.')
param appInsightsId string

@description('Resource id of the Log Analytics workspace behind Application Insights.')
param logAnalyticsWorkspaceId string

@description('Name of the Managed HSM the app backs up (alert names and queries).')
param hsmName string

@description('Resource id of the action group alerts notify; empty: none.')
param actionGroupId string = ''

@description('Region of the alert rules and the workbook.')
param location string = resourceGroup().location

@description('What this module was given; kept until the alert rules use it.')
output monitoredResources object = {
  appInsightsId: appInsightsId
  logAnalyticsWorkspaceId: logAnalyticsWorkspaceId
  hsmName: hsmName
  actionGroupId: actionGroupId
  location: location
}
