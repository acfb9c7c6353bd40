import { registerActivity } from '../shared/app/registerActivity';
import { activityNames } from '../shared/backup/BackupCycle';
import { startBackup } from '../shared/backup/startBackup';

registerActivity(activityNames.startBackup, startBackup);
