import * as df from 'durable-functions';
import { restoreOrchestratorName } from '../shared/restore/RestoreTypes';
import { restoreOrchestrator } from '../shared/restore/restoreOrchestrator';

df.app.orchestration(restoreOrchestratorName, restoreOrchestrator);
