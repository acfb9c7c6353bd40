import { failureReason, type HsmJob } from '../hsm/HsmJob';
import { HsmRequestError } from '../hsm/HsmRequestError';
import type { JobCheck } from '../backup/BackupCycle';

/**
 * One status poll of any HSM job, turned into what the orchestration decides on. Waiting between
 * polls is the orchestration's job, never this one's.
 */
export async function checkJob(
  jobId: string,
  fetchStatus: () => Promise<HsmJob>,
): Promise<JobCheck> {
  let job: HsmJob;
  try {
    job = await fetchStatus();
  } catch (error) {
    if (error instanceof HsmRequestError && error.kind === 'not-found') {
      return { state: 'not-found', reason: `the service no longer knows job ${jobId}` };
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
    const { folderUrl, rawStatus } = job;
    return { state: 'finished', status: 'Succeeded', rawStatus, folderUrl, ...times };
  }
  return {
    state: 'finished',
    // A completion time with a status that says otherwise is not something we can interpret.
    status: job.status === 'InProgress' ? 'Unknown' : job.status,
    rawStatus: job.rawStatus,
    reason: failureReason(job),
    ...times,
  };
}
