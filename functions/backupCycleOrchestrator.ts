import * as df from 'durable-functions';
import { orchestratorNames } from '../shared/backup/BackupCycle';
import { backupCycleOrchestrator } from '../shared/backup/backupCycleOrchestrator';

df.app.orchestration(orchestratorNames.backupCycle, backupCycleOrchestrator);
