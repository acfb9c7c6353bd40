import type { AppServices } from '../app/appServices';
import { failureReason } from '../hsm/HsmJob';
import { HsmRequestError } from '../hsm/HsmRequestError';
import type { CheckJobInput, JobCheck } from './BackupCycle';

/** One status poll. Waiting between polls is the orchestration's job, never this one's. */
export async function checkBackupJob(
  services: AppServices,
  input: CheckJobInput,
): Promise<JobCheck> {
  let job;
  try {
    job = await services.hsm.getBackupStatus(input.jobId);
  } catch (error) {
    if (error instanceof HsmRequestError && error.kind === 'not-found') {
      return { state: 'not-found', reason: `the service no longer knows job ${input.jobId}` };
    }
    if (error instanceof HsmRequestError && error.kind === 'retriable') {
      const { retryAfterSeconds } = error.details;
      return { state: 'unavailable', reason: error.message, retryAfterSeconds };
    }
    throw error;
  }
  if (!job.finished) {
    return { state: 'running', retryAfterSeconds: job.retryAfterSeconds, rawStatus: job.rawStatus };
  }
  const times = { startTime: job.startTime?.toISOString(), endTime: job.endTime?.toISOString() };
  if (job.status === 'Succeeded') {
    return {
      state: 'finished',
      status: 'Succeeded',
      rawStatus: job.rawStatus,
      folderUrl: job.folderUrl,
      ...times,
    };
  }
  return {
    state: 'finished',
    status: job.status === 'InProgress' ? 'Unknown' : job.status,
    rawStatus: job.rawStatus,
    reason: failureReason(job),
    ...times,
  };
}
