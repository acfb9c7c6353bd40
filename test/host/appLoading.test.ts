import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startLocalHost } from '../../local/host';
import { globToRegExp } from '../../local/host/globMatch';
import { fixtureApp, startFixtureHost, TestHost } from './helpers';

describe('the package.json main glob', () => {
  it.each([
    ['dist/functions/*.js', 'dist/functions/timer.js', true],
    ['dist/functions/*.js', 'dist/functions/nested/timer.js', false],
    ['dist/**/*.js', 'dist/timer.js', true],
    ['dist/**/*.js', 'dist/a/b/c/timer.js', true],
    ['dist/**/*.js', 'other/timer.js', false],
    ['compiled/**/*.{js,cjs}', 'compiled/clients.cjs', true],
    ['compiled/**/*.{js,cjs}', 'compiled/clients.mjs', false],
    ['{src,lib}/{a,b{1,2}}.js', 'lib/b2.js', true],
    ['./dist/index.js', 'dist/index.js', true],
    ['dist/?.js', 'dist/ab.js', false],
    ['dist/[!x]*.js', 'dist/xray.js', false],
  ])('%s matches %s: %s', (pattern, file, expected) => {
    expect(globToRegExp(pattern).test(file)).toBe(expected);
  });
});

describe('loading an app', () => {
  let started: TestHost;

  beforeAll(async () => {
    started = await startFixtureHost('basicApp');
  });
  afterAll(() => started.host.stop());

  it('registers every function through the real @azure/functions library', () => {
    const byName = Object.fromEntries(started.host.functions.map((f) => [f.name, f]));
    expect(byName.greet).toEqual({
      name: 'greet',
      triggerType: 'httpTrigger',
      route: 'greet/{name}/{times:int?}',
      methods: ['POST'],
      authLevel: 'function',
    });
    expect(byName.ping).toMatchObject({ triggerType: 'httpTrigger', methods: ['GET'] });
    expect(byName.nightly).toEqual({
      name: 'nightly',
      triggerType: 'timerTrigger',
      schedule: '0 30 2 * * *',
    });
  });

  it('refuses an app whose main glob matches no file, naming the glob', async () => {
    await expect(
      startLocalHost({ appRoot: fixtureApp('emptyGlobApp'), log: () => undefined }),
    ).rejects.toThrow(/zero files matching the "main" glob "dist\/\*\*\/\*\.js"/);
  });

  it('refuses an app whose main entry file does not exist', async () => {
    const appRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'local-host-app-'));
    try {
      fs.writeFileSync(
        path.join(appRoot, 'package.json'),
        JSON.stringify({ main: 'dist/index.js' }),
      );
      await expect(startLocalHost({ appRoot, log: () => undefined })).rejects.toThrow(
        /"dist\/index.js" does not exist/,
      );
    } finally {
      fs.rmSync(appRoot, { recursive: true, force: true });
    }
  });
});
