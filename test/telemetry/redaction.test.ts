import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import {
  redactingLogRecordProcessor,
  redactingSpanProcessor,
} from '../../shared/telemetry/redactingProcessors';
import {
  redactAttribute,
  redactTelemetryText,
  registerTelemetrySecrets,
} from '../../shared/telemetry/redactTelemetry';

const accountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const connectionString =
  'InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://127.0.0.1:1/';
const sas =
  'sv=2026-10-06&st=2026-12-04T16%3A37%3A42Z&se=2026-12-04T17%3A14%3A42Z&sr=c&sp=rcwd&' +
  'sig=AbC%2Bd%3D';

beforeAll(() => registerTelemetrySecrets([accountKey, connectionString, 'short']));

describe('telemetry redaction', () => {
  it.each([
    ['a blob URL with a SAS', `https://acct.blob.core.windows.net/c/mhsm-x/a.bin?${sas}`],
    [
      'a table URL with parentheses',
      `http://127.0.0.1:1/acct/t(PartitionKey='x')?$filter=a&${sas}`,
    ],
    ['a URL inside a sentence', `the HSM said 403 for "https://h/c?${sas}" (retry later)`],
    ['a request target', `/devstoreaccount1/hsm-backups?${sas}`],
    ['a function key in a query', 'https://app.azurewebsites.net/api/restore?code=abcdefgh12345'],
  ])('takes the query off %s', (_, text) => {
    const redacted = redactTelemetryText(text);
    expect(redacted).not.toMatch(/sig=|[?&]se=|sp=rcwd|code=/);
    expect(redacted).not.toMatch(/\?/);
  });

  it('keeps the path: the folder and blob names are what an operator needs', () => {
    expect(
      redactTelemetryText(`https://acct.blob.core.windows.net/c/mhsm-x-2026/a.bin?${sas}`),
    ).toBe('https://acct.blob.core.windows.net/c/mhsm-x-2026/a.bin');
  });

  it('masks the account key and the connection string wherever they appear', () => {
    const text = `key ${accountKey} and ${encodeURIComponent(accountKey)}; cs ${connectionString}`;
    const redacted = redactTelemetryText(text);
    expect(redacted).not.toContain(accountKey.slice(0, 20));
    expect(redacted).not.toContain(encodeURIComponent(accountKey).slice(0, 20));
    expect(redacted).not.toContain('11111111-2222');
    expect(redactTelemetryText('a short word stays')).toBe('a short word stays');
  });

  it('masks connection-string secrets and bearer tokens it was never told about', () => {
    const redacted = redactTelemetryText(
      'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0c2VjcmV0;x Bearer ' +
        'eyJhbGciOi.x.y',
    );
    expect(redacted).not.toMatch(/c2VjcmV0|eyJhbGciOi/);
  });

  it('drops query attributes and masks attributes named like a secret', () => {
    expect(redactAttribute('url.query', 'sig=x')).toBeUndefined();
    expect(redactAttribute('sasToken', 'anything')).toBe('REDACTED');
    expect(redactAttribute('url.full', `https://h/p?${sas}#frag`)).toBe('https://h/p');
    expect(redactAttribute('keyName', 'payments-signing')).toBe('payments-signing');
    expect(redactAttribute('http.status_code', 403)).toBe(403);
  });

  it('redacts dependency spans at start and at end: URL, exception events, status', () => {
    const span = {
      attributes: { 'url.full': `https://h/c/b?${sas}`, 'server.address': 'h' },
      events: [
        { name: 'exception', attributes: { 'exception.message': `GET https://h/c?${sas} failed` } },
      ],
      status: { code: 2, message: `403 on https://h/c?${sas}` },
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
    };
    redactingSpanProcessor.onStart(span as unknown as Span, ROOT_CONTEXT);
    expect(span.attributes['url.full']).toBe('https://h/c/b');
    span.attributes['url.full'] = `https://h/c/b?${sas}`;
    redactingSpanProcessor.onEnd(span as unknown as ReadableSpan);
    expect(JSON.stringify(span)).not.toMatch(/sig=|\?sv=/);
    expect(span.attributes['server.address']).toBe('h');
  });

  it('redacts log records: body and attributes', () => {
    const record = {
      body: `failed https://h/c?${sas}`,
      attributes: { 'exception.message': `key ${accountKey}` } as Record<string, unknown>,
      setBody(body: string) {
        this.body = body;
        return this;
      },
    };
    redactingLogRecordProcessor.onEmit(record as unknown as SdkLogRecord);
    expect(JSON.stringify(record)).not.toMatch(/sig=|Eby8vdM02x/);
  });
});
