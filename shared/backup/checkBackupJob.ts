import type { AppServices } from '../app/appServices';
import { checkJob } from '../orchestration/checkJob';
import type { CheckJobInput, JobCheck } from './BackupCycle';

/** One status poll of a backup (or pre-backup check) job. */
export function checkBackupJob(services: AppServices, input: CheckJobInput): Promise<JobCheck> {
  return checkJob(input.jobId, () => services.hsm.getBackupStatus(input.jobId));
}
