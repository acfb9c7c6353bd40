import { registerActivity } from '../shared/app/registerActivity';
import { activityNames } from '../shared/backup/BackupCycle';
import { checkBackupJob } from '../shared/backup/checkBackupJob';

registerActivity(activityNames.checkBackupJob, checkBackupJob);
