import { registerActivity } from '../shared/app/registerActivity';
import { activityNames } from '../shared/backup/BackupCycle';
import { recordSkip } from '../shared/backup/recordSkip';

registerActivity(activityNames.recordSkip, recordSkip);
