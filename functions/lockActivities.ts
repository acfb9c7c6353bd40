import { registerActivity } from '../shared/app/registerActivity';
import {
  acquireLock,
  lockActivityNames,
  releaseLock,
} from '../shared/orchestration/lockActivities';

registerActivity(lockActivityNames.acquire, acquireLock);
registerActivity(lockActivityNames.release, releaseLock);
