import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config/loadConfig';

const root = join(__dirname, '..', '..');

/** Every setting name the loader asks for, found by watching it read a full configuration. */
function settingsTheLoaderReads(): string[] {
  const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')).Values;
  // The sample names the file the emulator writes at start; stand one in for it here.
  const caFile = join(mkdtempSync(join(tmpdir(), 'ca-')), 'emulator-ca.pem');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  sample.HSM_CA_CERT_FILE = caFile;
  const asked = new Set<string>();
  const source = new Proxy(sample as Record<string, string>, {
    get(target, name) {
      if (typeof name === 'string') asked.add(name);
      return target[name as string];
    },
  });
  loadConfig(source);
  return [...asked].sort();
}

describe('settings', () => {
  const names = settingsTheLoaderReads();

  it('are read from the sample settings without error', () => {
    expect(names).toContain('HSM_URL');
    expect(names.length).toBeGreaterThan(15);
  });

  it('are each documented in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('each have a sample value in local.settings.sample.json', () => {
    const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8'));
    expect(names.filter((name) => !(name in sample.Values))).toEqual([]);
  });
});
