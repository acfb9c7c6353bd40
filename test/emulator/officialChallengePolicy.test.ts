/**
 * The emulator's challenge and CAE answers, met by the challenge policy the official Key Vault
 * clients use (not the app's client): if these headers were wrong, every real client would break.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { keyVaultAuthenticationPolicy } from '@azure/keyvault-common';
import { Agent } from 'node:https';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { startAzuriteForEmulatorTests, type AzuriteForTests } from './azuriteForEmulatorTests';

const TENANT = '72f988bf-0000-4000-8000-000000000002';

/** A static test credential that remembers what it was asked for. */
class RecordingCredential implements TokenCredential {
  readonly requests: Array<{ scopes: string[]; tenantId?: string; claims?: string }> = [];

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.requests.push({
      scopes: [scopes].flat(),
      tenantId: options?.tenantId,
      claims: options?.claims,
    });
    return {
      token: `static-token-${this.requests.length}`,
      expiresOnTimestamp: Date.now() + 3.6e6,
    };
  }
}

let azurite: AzuriteForTests;
let emulator: RunningEmulator;
let credential: RecordingCredential;
let pipeline: Pipeline;
let agent: Agent;

beforeAll(async () => {
  azurite = await startAzuriteForEmulatorTests();
  await azurite.createContainer('backups');
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 20, tenantId: TENANT });
  credential = new RecordingCredential();
  pipeline = createEmptyPipeline();
  // Loopback emulator only: its host cannot end in ".managedhsm.azure.net".
  pipeline.addPolicy(
    keyVaultAuthenticationPolicy(credential, { disableChallengeResourceVerification: true }),
  );
  agent = new Agent({ ca: emulator.caCertPem, keepAlive: false });
});
afterEach(async () => {
  agent?.destroy();
  await emulator?.stop();
});

async function send(method: 'GET' | 'POST', path: string, body?: unknown) {
  const request = createPipelineRequest({
    url: `${emulator.url}${path}`,
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: createHttpHeaders(body === undefined ? {} : { 'Content-Type': 'application/json' }),
  });
  request.agent = agent; // trusts the emulator's certificate; createPipelineRequest drops it
  return pipeline.sendRequest(createDefaultHttpClient(), request);
}

it(
  'takes the body-less challenge, fetches a token ' + 'for the HSM resource, and starts the backup',
  async () => {
    const response = await send('POST', '/backup?api-version=7.6', {
      storageResourceUri: azurite.containerUri('backups'),
      token: azurite.containerSas('backups', 'rcwd'),
    });

    expect(response.status).toBe(202);
    expect(credential.requests).toEqual([
      { scopes: ['https://managedhsm.azure.net/.default'], tenantId: TENANT, claims: undefined },
    ]);
    expect(emulator.stats().requests.map((r) => [r.hadAuthorization, r.status])).toEqual([
      [false, 401],
      [true, 202],
    ]);
    expect(emulator.stats().acceptedBackupStarts).toBe(1);
  },
);

it(
  'answers a CAE challenge on a status poll ' + 'with a token carrying the asked-for claims',
  async () => {
    const started = await send('POST', '/backup?api-version=7.6', {
      storageResourceUri: azurite.containerUri('backups'),
      token: azurite.containerSas('backups', 'rcwd'),
    });
    const statusPath = new URL(String(started.headers.get('azure-asyncoperation'))).pathname;
    emulator.setFaults(['cae-on-poll']);

    const poll = await send('GET', statusPath);

    expect(poll.status).toBe(200);
    expect(credential.requests).toHaveLength(2);
    expect(JSON.parse(credential.requests[1].claims ?? '{}')).toHaveProperty(
      'access_token.nbf.essential',
      true,
    );
    expect(
      emulator
        .stats()
        .requests.slice(-2)
        .map((r) => r.status),
    ).toEqual([401, 200]);
  },
);
