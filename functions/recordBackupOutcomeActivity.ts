import { registerActivity } from '../shared/app/registerActivity';
import { activityNames } from '../shared/backup/BackupCycle';
import { recordBackupOutcome } from '../shared/backup/recordBackupOutcome';

registerActivity(activityNames.recordBackupOutcome, recordBackupOutcome);
