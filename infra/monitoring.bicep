// Alert rules and a workbook for one HSM's backups, on the app's Application Insights. The event
// and metric names are those of shared/telemetry/telemetryCatalog.ts; the queries are the ones in
// docs/monitoring.md (a test holds both to the names the app emits).
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

var hsmLet = 'let hsmName = "${hsmName}";\n'
var actions = {
  actionGroups: empty(actionGroupId) ? [] : [
    actionGroupId
  ]
}

// Fires on a BackupStale event (the app's own hourly judgement against ALERT_MAX_BACKUP_AGE_HOURS,
// which also covers "never succeeded"), or when no freshness report arrived at all for two hours.
var noRecentBackupQuery = concat(hsmLet, '''let freshnessReports = customMetrics
    | where timestamp > ago(2h)
    | where name == "LastSuccessfulBackupAgeHours" and tostring(customDimensions.hsm) == hsmName;
let staleEvents = customEvents
    | where timestamp > ago(2h)
    | where name == "BackupStale" and tostring(customDimensions.hsm) == hsmName;
staleEvents
| project timestamp, hsm = hsmName, problem = tostring(customDimensions.statusDetails), ageHours = todouble(customDimensions.ageHours)
| union (print timestamp = now(), hsm = hsmName, problem = "no freshness report for 2 hours: the app or its hourly check is not running", ageHours = real(null)
    | where toscalar(union freshnessReports, staleEvents | count) == 0)''')

var backupFailedQuery = concat(hsmLet, '''customEvents
| where timestamp > ago(15m)
| where name in ("BackupFailed", "BackupTimedOut") and tostring(customDimensions.hsm) == hsmName
| project timestamp, name, jobId = tostring(customDimensions.jobId), failureCode = tostring(customDimensions.failureCode), reason = tostring(customDimensions.statusDetails), consecutiveFailures = toint(customDimensions.consecutiveFailures), instanceId = tostring(customDimensions.instanceId)''')

var restoreStartedQuery = concat(hsmLet, '''customEvents
| where timestamp > ago(5m)
| where name == "RestoreRequested" and tostring(customDimensions.hsm) == hsmName and tostring(customDimensions.dryRun) != "true"
| project timestamp, requestedBy = tostring(customDimensions.requestedBy), kind = tostring(customDimensions.kind), keyName = tostring(customDimensions.keyName), folder = tostring(customDimensions.folder), backupFirst = tostring(customDimensions.backupFirst), instanceId = tostring(customDimensions.instanceId)''')

var alertRules = [
  {
    suffix: 'no-recent-backup'
    displayName: 'hsm-backup ${hsmName}: no successful backup within the threshold'
    description: 'The newest successful backup of ${hsmName} is older than ALERT_MAX_BACKUP_AGE_HOURS (or there is none), or the app stopped reporting freshness. Check the failures query and GET /api/backups.'
    severity: 1
    frequency: 'PT1H'
    window: 'PT2H'
    query: noRecentBackupQuery
  }
  {
    suffix: 'backup-failed'
    displayName: 'hsm-backup ${hsmName}: a backup failed'
    description: 'A backup of ${hsmName} was recorded Failed or Unknown; the alert rows carry the job id and the reason.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT15M'
    query: backupFailedQuery
  }
  {
    suffix: 'restore-started'
    displayName: 'hsm-backup ${hsmName}: a restore started'
    description: 'A restore of ${hsmName} (not a dry run) was accepted; the alert rows say who asked and from which folder.'
    severity: 2
    frequency: 'PT5M'
    window: 'PT5M'
    query: restoreStartedQuery
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in alertRules: {
    name: 'hsm-backup-${hsmName}-${rule.suffix}'
    location: location
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      scopes: [
        appInsightsId
      ]
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: actions
    }
  }
]

// ---- Workbook ---------------------------------------------------------------------------------

var lastSuccessQuery = '''customEvents
| where timestamp > ago(30d)
| where name == "BackupSucceeded"
| extend hsm = tostring(customDimensions.hsm), folder = tostring(customDimensions.folder), jobId = tostring(customDimensions.jobId)
| summarize arg_max(timestamp, folder, jobId) by hsm
| extend ageHours = round((now() - timestamp) / 1h, 1)
| project hsm, lastSuccess = timestamp, ageHours, folder, jobId'''

var failuresQuery = '''customEvents
| where timestamp > ago(30d)
| where name in ("BackupFailed", "BackupTimedOut", "BackupSkipped", "RestoreFailed")
| extend hsm = tostring(customDimensions.hsm), failureCode = tostring(customDimensions.failureCode), reason = tostring(customDimensions.statusDetails), jobId = tostring(customDimensions.jobId), instanceId = tostring(customDimensions.instanceId), consecutiveFailures = toint(customDimensions.consecutiveFailures)
| project timestamp, hsm, name, failureCode, reason, jobId, instanceId, consecutiveFailures
| order by timestamp desc'''

var durationQuery = '''customMetrics
| where timestamp > ago(90d)
| where name == "BackupDurationSeconds"
| extend hsm = tostring(customDimensions.hsm), status = tostring(customDimensions.status)
| summarize backups = sum(valueCount), meanSeconds = sum(valueSum) / sum(valueCount), longestSeconds = max(valueMax) by hsm, status, bin(timestamp, 1d)
| order by timestamp asc
| render timechart'''

var restoresQuery = '''customEvents
| where timestamp > ago(90d)
| where name in ("RestoreRequested", "RestoreRefused", "RestoreSucceeded", "RestoreFailed")
| extend hsm = tostring(customDimensions.hsm), requestedBy = tostring(customDimensions.requestedBy), folder = tostring(customDimensions.folder), kind = tostring(customDimensions.kind), dryRun = tostring(customDimensions.dryRun), instanceId = tostring(customDimensions.instanceId), code = tostring(customDimensions.code), details = tostring(customDimensions.statusDetails)
| project timestamp, hsm, name, requestedBy, kind, folder, dryRun, instanceId, code, details
| order by timestamp desc'''

var panels = [
  {
    title: 'Last successful backup per HSM'
    query: lastSuccessQuery
    visualization: 'table'
  }
  {
    title: 'Failures with reasons'
    query: failuresQuery
    visualization: 'table'
  }
  {
    title: 'Backup duration trend'
    query: durationQuery
    visualization: 'timechart'
  }
  {
    title: 'Restores, with who asked'
    query: restoresQuery
    visualization: 'table'
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        name: 'heading'
        content: {
          json: '## hsm-backup: ${hsmName}\nEvents and metrics are described in docs/monitoring.md.'
        }
      }
    ],
    map(panels, panel => {
      type: 3
      name: panel.title
      content: {
        version: 'KqlItem/1.0'
        title: panel.title
        query: panel.query
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: panel.visualization
      }
    })
  )
  fallbackResourceIds: [
    appInsightsId
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'hsm-backup-workbook', hsmName)
  location: location
  kind: 'shared'
  properties: {
    displayName: 'hsm-backup: ${hsmName}'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: string(workbookContent)
  }
}

@description('Resource ids of the alert rules.')
output alertRuleIds array = [for (rule, i) in alertRules: rules[i].id]

@description('Resource id of the workbook.')
output workbookId string = workbook.id

@description('The workspace the same data can be queried in (as AppEvents and AppMetrics).')
output workspaceId string = logAnalyticsWorkspaceId
