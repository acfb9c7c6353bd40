import { failureReason, parseHsmJob } from '../../shared/hsm/HsmJob';

const jobId = '0123456789abcdef0123456789abcdef';

describe('reading HSM job status', () => {
  it('treats a null or zero endTime as still running', () => {
    for (const endTime of [null, 0]) {
      const job = parseHsmJob({ status: 'InProgress', jobId, startTime: 1700000000, endTime });
      expect(job.finished).toBe(false);
      expect(job.endTime).toBeUndefined();
      expect(job.startTime?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    }
  });

  it('reads a success with its folder URL and the service end time', () => {
    const job = parseHsmJob({
      status: 'Succeeded',
      jobId,
      startTime: 1700000000,
      endTime: 1700000011,
      error: null,
      azureStorageBlobContainerUri: 'https://a.blob.core.windows.net/b/mhsm-x-2023111422132000',
    });
    expect(job).toMatchObject({ status: 'Succeeded', finished: true });
    expect(job.endTime?.toISOString()).toBe('2023-11-14T22:13:31.000Z');
    expect(job.folderUrl).toMatch(/mhsm-x-/);
  });

  it('reports a Failed job whose error fields are all null by its statusDetails', () => {
    const job = parseHsmJob({
      status: 'Failed',
      statusDetails: 'Invalid backup provided',
      error: { code: null, message: null, innererror: null },
      jobId,
      startTime: 1,
      endTime: 2,
    });
    expect(job.status).toBe('Failed');
    expect(job.error).toBeUndefined();
    expect(failureReason(job)).toBe('Invalid backup provided');
  });

  it('never reads an unknown status as success', () => {
    const running = parseHsmJob({ status: 'Paused', jobId });
    expect(running).toMatchObject({ status: 'Unknown', rawStatus: 'Paused', finished: false });
    const ended = parseHsmJob({ status: 'Paused', jobId, endTime: 5 });
    expect(ended).toMatchObject({ status: 'Unknown', finished: true });
    expect(failureReason(ended)).toContain('"Paused"');
  });

  it('finishes on a terminal status even without an end time', () => {
    expect(parseHsmJob({ status: 'Canceled', jobId }).finished).toBe(true);
  });
});
