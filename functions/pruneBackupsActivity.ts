import { registerActivity } from '../shared/app/registerActivity';
import { activityNames } from '../shared/backup/BackupCycle';
import { pruneBackups } from '../shared/backup/pruneBackups';

registerActivity(activityNames.pruneBackups, pruneBackups);
