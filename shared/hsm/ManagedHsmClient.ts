import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  tlsPolicy,
  userAgentPolicy,
  type HttpClient,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import type { AbortSignalLike } from '@azure/abort-controller';
import { keyVaultAuthenticationPolicy } from '@azure/keyvault-common';
import { isRecord, parseHsmJob, type HsmJob } from './HsmJob';
import { classifyStatus, HsmRequestError, parseRetryAfter } from './HsmRequestError';

/** Where the HSM writes or reads a backup: the container, and how it may get in. */
export type StorageTarget =
  | { readonly containerUrl: string; readonly sasToken: string }
  | { readonly containerUrl: string; readonly useManagedIdentity: true };

/** A job the service accepted. */
export interface StartedJob {
  readonly jobId: string;
  /** How long the service asked us to wait before the first status poll. */
  readonly retryAfterSeconds?: number;
}

export interface ManagedHsmClientOptions {
  readonly apiVersion: string;
  /** Relax the challenge resource check: only ever for a loopback emulator. */
  readonly disableChallengeResourceVerification?: boolean;
  readonly requestTimeoutMs?: number;
  /** Extra CA certificate to trust (the local emulator's). */
  readonly caCertPem?: string;
  readonly httpClient?: HttpClient;
  readonly userAgent?: string;
}

export interface CallOptions {
  readonly abortSignal?: AbortSignalLike;
}

/** Versions that offer the service-side pre-backup and pre-restore checks. */
const preCheckVersions = new Set(['7.6', '2025-07-01', '2026-01-01-preview']);

/**
 * The part of the Managed HSM data plane that backs up and restores: start an operation, then
 * ask for its status by job id. It never waits or retries itself; the orchestration owns time,
 * so every failure comes back at once as an HsmRequestError saying whether a retry can help.
 */
export class ManagedHsmClient {
  private readonly pipeline = createEmptyPipeline();
  private readonly httpClient: HttpClient;

  constructor(
    readonly hsmUrl: string,
    credential: TokenCredential,
    private readonly options: ManagedHsmClientOptions,
  ) {
    this.httpClient = options.httpClient ?? createDefaultHttpClient();
    this.pipeline.addPolicy(
      userAgentPolicy({ userAgentPrefix: options.userAgent ?? 'hsm-backup' }),
    );
    if (options.caCertPem) this.pipeline.addPolicy(tlsPolicy({ ca: options.caCertPem }));
    this.pipeline.addPolicy(
      keyVaultAuthenticationPolicy(credential, {
        disableChallengeResourceVerification: options.disableChallengeResourceVerification,
      }),
    );
  }

  get supportsPreChecks(): boolean {
    return preCheckVersions.has(this.options.apiVersion);
  }

  /** Starts a full backup of the HSM into the container. */
  async beginFullBackup(target: StorageTarget, options: CallOptions = {}): Promise<StartedJob> {
    return this.start('start backup', 'POST', '/backup', storageBody(target), options);
  }

  async getBackupStatus(jobId: string, options: CallOptions = {}): Promise<HsmJob> {
    return this.status('backup status', `/backup/${encodeJobId(jobId)}/pending`, options);
  }

  /** Starts a full restore from a folder: this wipes the HSM and returns it to the backup. */
  async beginFullRestore(
    target: StorageTarget,
    folder: string,
    options: CallOptions = {},
  ): Promise<StartedJob> {
    const body = { sasTokenParameters: storageBody(target), folderToRestore: folder };
    return this.start('start restore', 'PUT', '/restore', body, options);
  }

  async getRestoreStatus(jobId: string, options: CallOptions = {}): Promise<HsmJob> {
    return this.status('restore status', `/restore/${encodeJobId(jobId)}/pending`, options);
  }

  /** Restores every version of one key from a backup folder; polled as a restore job. */
  async beginSelectiveKeyRestore(
    keyName: string,
    target: StorageTarget,
    folder: string,
    options: CallOptions = {},
  ): Promise<StartedJob> {
    if (!/^[A-Za-z0-9-]{1,127}$/.test(keyName)) {
      throw new HsmRequestError('permanent', `"${keyName}" is not a valid key name`, {
        operation: 'start key restore',
      });
    }
    const body = { sasTokenParameters: storageBody(target), folder };
    return this.start('start key restore', 'PUT', `/keys/${keyName}/restore`, body, options);
  }

  /** The service's own check that a backup could run (7.6+); polled as a backup job. */
  async beginPreBackupCheck(target: StorageTarget, options: CallOptions = {}): Promise<StartedJob> {
    this.requirePreChecks('pre-backup check');
    return this.start('pre-backup check', 'POST', '/prebackup', storageBody(target), options);
  }

  /** The service's own check that a restore could run (7.6+); polled as a restore job. */
  async beginPreRestoreCheck(
    target: StorageTarget,
    folder: string,
    options: CallOptions = {},
  ): Promise<StartedJob> {
    this.requirePreChecks('pre-restore check');
    const body = { sasTokenParameters: storageBody(target), folderToRestore: folder };
    return this.start('pre-restore check', 'PUT', '/prerestore', body, options);
  }

  private requirePreChecks(operation: string): void {
    if (!this.supportsPreChecks) {
      throw new HsmRequestError(
        'permanent',
        `${operation} needs HSM_API_VERSION 7.6 or newer (configured: ${this.options.apiVersion})`,
        { operation },
      );
    }
  }

  private async start(
    operation: string,
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    options: CallOptions,
  ): Promise<StartedJob> {
    const response = await this.send(operation, method, path, body, options);
    if (response.status !== 202 && response.status !== 200) {
      throw this.errorFrom(operation, response);
    }
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), new Date());
    const job = parseHsmJob(parseJson(response.bodyAsText), retryAfterSeconds);
    const jobId = job.jobId || jobIdFromOperationUrl(response.headers.get('azure-asyncoperation'));
    if (!jobId) {
      throw new HsmRequestError(
        'permanent',
        `${operation}: the service accepted the request but returned no job id`,
        { statusCode: response.status, operation },
      );
    }
    return { jobId, retryAfterSeconds };
  }

  private async status(operation: string, path: string, options: CallOptions): Promise<HsmJob> {
    const response = await this.send(operation, 'GET', path, undefined, options);
    if (response.status !== 200) throw this.errorFrom(operation, response);
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), new Date());
    return parseHsmJob(parseJson(response.bodyAsText), retryAfterSeconds);
  }

  private async send(
    operation: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
    options: CallOptions,
  ): Promise<PipelineResponse> {
    const url = new URL(path, this.hsmUrl);
    url.searchParams.set('api-version', this.options.apiVersion);
    const request = createPipelineRequest({
      url: url.href,
      method,
      headers: createHttpHeaders({ accept: 'application/json' }),
      timeout: this.options.requestTimeoutMs ?? 60_000,
      abortSignal: options.abortSignal,
    });
    if (body !== undefined) {
      request.headers.set('content-type', 'application/json');
      request.body = JSON.stringify(body);
    }
    try {
      return await this.pipeline.sendRequest(this.httpClient, request);
    } catch (error) {
      throw transportError(operation, error);
    }
  }

  private errorFrom(operation: string, response: PipelineResponse): HsmRequestError {
    const parsed = parseJson(response.bodyAsText);
    const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const text = typeof error?.message === 'string' ? error.message : undefined;
    const kind = classifyStatus(response.status);
    const said = [code, text].filter(Boolean).join(': ') || 'no error details';
    return new HsmRequestError(kind, `${operation} failed with HTTP ${response.status}: ${said}`, {
      statusCode: response.status,
      code,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), new Date()),
      operation,
    });
  }
}

function storageBody(target: StorageTarget): Record<string, unknown> {
  if ('sasToken' in target) {
    // The service wants the SAS without its leading '?'.
    return { storageResourceUri: target.containerUrl, token: target.sasToken.replace(/^\?/, '') };
  }
  return { storageResourceUri: target.containerUrl, useManagedIdentity: true };
}

function encodeJobId(jobId: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(jobId)) {
    throw new HsmRequestError('permanent', `"${jobId}" is not a job id`, { operation: 'status' });
  }
  return jobId;
}

function jobIdFromOperationUrl(url: string | null | undefined): string | undefined {
  return url ? /\/(?:backup|restore)\/([^/?]+)\/pending/.exec(url)?.[1] : undefined;
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Errors thrown before any HTTP answer: the network, a timeout, or the token request. */
function transportError(operation: string, error: unknown): HsmRequestError {
  if (error instanceof HsmRequestError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const credentialFailure = /Credential|Authentication/i.test(name);
  const challengeFailure = /challenge/i.test(message);
  if (credentialFailure || challengeFailure) {
    return new HsmRequestError('permanent', `${operation}: could not authenticate: ${message}`, {
      operation,
    });
  }
  return new HsmRequestError('retriable', `${operation}: the HSM did not answer: ${message}`, {
    operation,
  });
}
