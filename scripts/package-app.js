#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Stages the Function App's deployment package the way `func azure functionapp publish` builds
 * one: every project file that .funcignore does not exclude, plus the production dependencies
 * only, installed fresh from the lock file (`npm ci --omit=dev`), so no development dependency
 * can ride along. Optionally zips the folder for `az functionapp deployment source config-zip`.
 *
 *   npm run build && node scripts/package-app.js --out <folder> [--zip <file.zip>]
 *
 * The folder is emptied first and must lie outside the project, or in a folder .funcignore
 * excludes. Options: --offline (install from the npm cache only; fails if something is missing
 * from it), --skip-install (copy files only). Plain JavaScript on purpose: it runs before anything is
 * compiled, on whatever Node the caller has.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..');

/** Refuses a .funcignore line this small matcher would read differently from gitignore. */
function compilePattern(line, lineNumber) {
  if (/[![\]\\]/.test(line)) {
    throw new Error(
      `.funcignore line ${lineNumber} ("${line}") uses negation, a character class or an ` +
        'escape; write it as plain paths with * and ** so every tool reads it the same way.',
    );
  }
  const directoryOnly = line.endsWith('/');
  const body = line.replace(/^\//, '').replace(/\/$/, '');
  // gitignore: a slash at the start or in the middle anchors the pattern at the project root;
  // otherwise it matches a name at any depth.
  const anchored = line.startsWith('/') || body.includes('/');
  const source = body
    .split('/')
    .map((segment) =>
      segment === '**'
        ? '(?:.*)'
        : segment
            .replace(/[.+^${}()|]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
    )
    .join('/')
    .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
  const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}$`);
  return { line, directoryOnly, regex };
}

/** The .funcignore rules of the project, compiled. */
function readFuncignore(root) {
  const file = path.join(root, '.funcignore');
  const text = fs.readFileSync(file, 'utf8');
  return text
    .split(/\r?\n/)
    .map((raw, index) => ({ line: raw.trim(), lineNumber: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, lineNumber }) => compilePattern(line, lineNumber));
}

/** Whether a project-relative path (forward slashes) is excluded by the rules. */
function isIgnored(rules, relativePath, isDirectory) {
  return rules.some(
    (rule) => (isDirectory || !rule.directoryOnly) && rule.regex.test(relativePath),
  );
}

/**
 * Project files that go into the package, relative to the root. node_modules is never copied:
 * the package gets its own production-only install. An ignored folder is not entered, as in git.
 */
function filesToPackage(root, rules) {
  const files = [];
  const walk = (relativeDir) => {
    for (const entry of fs.readdirSync(path.join(root, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (relative === 'node_modules' || relative === '.git') continue;
        if (!isIgnored(rules, relative, true)) walk(relative);
      } else if (entry.isFile() && !isIgnored(rules, relative, false)) {
        files.push(relative);
      }
    }
  };
  walk('');
  return files.sort();
}

/** Runs a command; a quiet one shows its output only when it fails. */
function run(command, args, cwd, quiet = false) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout}${result.stderr}`.trimEnd() : '';
    throw new Error(
      `${command} ${args.join(' ')} failed with exit code ${result.status}.${output}`,
    );
  }
}

/** Stages the package into `out` (emptied first) and returns the copied project files. */
function packageApp({
  root = projectRoot,
  out,
  offline = false,
  skipInstall = false,
  quiet = false,
}) {
  const outDir = path.resolve(out);
  if (outDir === path.resolve(root) || !path.relative(outDir, root).startsWith('..')) {
    throw new Error(`Refusing to package into ${outDir}: it holds the project.`);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'functions'))) {
    throw new Error('dist/functions is missing: run `npm run build` before packaging.');
  }
  const rules = readFuncignore(root);
  const files = filesToPackage(root, rules);
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(outDir, file));
  }
  if (!skipInstall) {
    // Install scripts are not run: the production dependencies are plain JavaScript, and a
    // package built without them is the same on every machine.
    const args = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
    args.push(offline ? '--offline' : '--prefer-offline');
    run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, outDir, quiet);
  }
  return files;
}

function zipFolder(folder, zipPath) {
  const target = path.resolve(zipPath);
  fs.rmSync(target, { force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  run('zip', ['-q', '-r', '-X', target, '.'], folder);
}

function parseArguments(argv) {
  const options = { out: '', zip: undefined, offline: false, skipInstall: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--out') options.out = argv[++i];
    else if (argument === '--zip') options.zip = argv[++i];
    else if (argument === '--offline') options.offline = true;
    else if (argument === '--skip-install') options.skipInstall = true;
    else
      throw new Error(
        `Unknown argument "${argument}". See the comment at the top of ${__filename}.`,
      );
  }
  if (!options.out) throw new Error('--out needs a folder.');
  return options;
}

if (require.main === module) {
  try {
    const options = parseArguments(process.argv.slice(2));
    const files = packageApp(options);
    if (options.zip) zipFolder(path.resolve(options.out), options.zip);
    console.log(
      `package-app: ${files.length} project files staged in ${options.out}` +
        (options.zip ? `, zipped to ${options.zip}` : ''),
    );
  } catch (error) {
    console.error(`package-app: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

module.exports = { packageApp, readFuncignore, isIgnored, filesToPackage };
