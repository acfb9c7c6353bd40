import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { startLocalHost, type LocalHost } from '../../local/host';
import { loadApp } from '../../local/host/appLoader';
import { globToRegExp } from '../../local/host/globMatch';
import { devAccountKey } from '../support/azurite';

/** The part of scripts/package-app.js the tests call. */
interface Packager {
  packageApp(options: { out: string; offline?: boolean; quiet?: boolean }): string[];
}

const repoRoot = resolve(__dirname, '..', '..');
const packager = require(join(repoRoot, 'scripts', 'package-app.js')) as Packager;

let workDir: string;
let packageDir: string;
let host: LocalHost | undefined;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-package-'));
  packageDir = join(workDir, 'package');
  // From the npm cache only: the test never reaches a registry, and `npm ci` filled the cache.
  packager.packageApp({ out: packageDir, offline: true, quiet: true });
}, 180_000);

afterAll(async () => {
  await host?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(folder, path).split('\\').join('/'));
    }
  };
  walk(folder);
  return found;
}

function projectFiles(): string[] {
  return filesUnder(packageDir).filter((file) => !file.startsWith('node_modules/'));
}

function sourceFunctionNames(): string[] {
  return readdirSync(join(repoRoot, 'functions'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.replace(/\.ts$/, ''))
    .sort();
}

describe('the deployment package', () => {
  it('holds the compiled app, host.json and package.json, and nothing else of the project', () => {
    const unexpected = projectFiles().filter(
      (file) =>
        !/^dist\/(functions|shared)\/.+\.js(\.map)?$/.test(file) &&
        !['host.json', 'package.json', 'package-lock.json'].includes(file),
    );
    expect(unexpected).toEqual([]);
  });

  it('holds no test, no local tooling, no TypeScript source and no local settings', () => {
    const files = projectFiles();
    expect(files.filter((f) => /(^|\/)(test|local)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.js$|\.ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => /local\.settings/.test(f))).toEqual([]);
  });

  it('holds no package the lock file marks as a development dependency', () => {
    const lock = JSON.parse(readFileSync(join(packageDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev === true)
      .map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((path) => existsSync(join(packageDir, path)))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const shipped = Object.keys(manifest.devDependencies).filter(
      (name) =>
        existsSync(join(packageDir, 'node_modules', name)) &&
        lock.packages[`node_modules/${name}`]?.dev,
    );
    expect(shipped).toEqual([]);
  });

  it('holds every production dependency the app needs at run time', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const missing = Object.keys(manifest.dependencies).filter(
      (name) => !existsSync(join(packageDir, 'node_modules', name, 'package.json')),
    );
    expect(missing).toEqual([]);
  });

  it('has a compiled file for every function source, and `main` matches each of them', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      main: string;
    };
    const main = globToRegExp(manifest.main);
    for (const name of sourceFunctionNames()) {
      const file = `dist/functions/${name}.js`;
      expect(existsSync(join(packageDir, file))).toBe(true);
      expect(main.test(file)).toBe(true);
    }
  });

  it(
    'has a host.json with the v4 extension bundle ' + 'and the task hub taken from an app setting',
    () => {
      const hostJson = JSON.parse(readFileSync(join(packageDir, 'host.json'), 'utf8')) as {
        version: string;
        extensionBundle: { id: string; version: string };
        extensions: { durableTask: { hubName: string } };
      };
      expect(hostJson.version).toBe('2.0');
      expect(hostJson.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
      // Flex Consumption needs bundle 4.x or later for non-.NET apps; the range must admit 4.x.
      expect(hostJson.extensionBundle.version).toMatch(/^\[4\.[0-9*.]*, ?5\.0\.0\)$/);
      expect(hostJson.extensions.durableTask.hubName).toBe('%DURABLE_TASK_HUB%');
    },
  );
});

describe('the deployment package in a Functions host', () => {
  it('loads through `main` and registers functions from every function file', async () => {
    host = await startLocalHost({
      appRoot: packageDir,
      // Loopback addresses nothing listens on: loading the app reads settings, it calls nobody.
      env: {
        HSM_URL: 'https://127.0.0.1:9',
        HSM_NAME: 'contoso',
        BACKUP_STORAGE_URL: 'http://127.0.0.1:9/devstoreaccount1',
        LEDGER_STORAGE_URL: 'http://127.0.0.1:9/devstoreaccount1',
        BACKUP_CONTAINER: 'hsm-backups',
        BACKUP_STORAGE_AUTH: 'account-key',
        BACKUP_STORAGE_ACCOUNT_KEY: devAccountKey,
        LOCAL_STATIC_CREDENTIAL: 'true',
        DURABLE_TASK_HUB: 'hsmbackup',
      },
      log: () => undefined,
    });
    // The host has required every entry file; asking again returns what each one registered.
    const registered = loadApp(packageDir);
    const registeringFiles = new Set(
      registered.map((fn) => relative(packageDir, fn.scriptFile).split('\\').join('/')),
    );
    expect([...registeringFiles].sort()).toEqual(
      sourceFunctionNames().map((name) => `dist/functions/${name}.js`),
    );
    expect(host.functions.map((fn) => fn.name)).toEqual(
      expect.arrayContaining(['backupTimer', 'backupCycleOrchestrator']),
    );
    expect(host.functions.length).toBe(registered.length);
    // Every file came from the package, none from the repository's own build.
    expect(registered.filter((fn) => !fn.scriptFile.startsWith(packageDir))).toEqual([]);
  });
});
