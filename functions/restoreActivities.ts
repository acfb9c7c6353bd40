import { registerActivity } from '../shared/app/registerActivity';
import {
  checkRestoreJob,
  saveRestoreRecord,
  startPreCheck,
  startRestore,
} from '../shared/restore/restoreActivities';
import { restoreActivityNames } from '../shared/restore/RestoreTypes';
import { verifyRestore } from '../shared/restore/verifyRestore';

registerActivity(restoreActivityNames.verify, verifyRestore);
registerActivity(restoreActivityNames.start, startRestore);
registerActivity(restoreActivityNames.check, checkRestoreJob);
registerActivity(restoreActivityNames.startPreCheck, startPreCheck);
registerActivity(restoreActivityNames.save, saveRestoreRecord);
