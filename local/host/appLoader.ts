/**
 * Loads a Functions app the way the Node.js worker does: `package.json` `main` names the entry
 * file or a glob of them, every match is required, and each `app.*` call inside registers a
 * function through `@azure/functions-core`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FunctionCallback, FunctionMetadata, RpcBindingInfo } from './coreTypes';
import { coreRegistry, Registration } from './functionsCore';
import { findMatchingFiles, isGlob } from './globMatch';

export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  scriptFile: string;
  /** Lower-cased trigger type, e.g. `httptrigger`, `orchestrationtrigger`. */
  triggerType: string;
  triggerName: string;
  trigger: RpcBindingInfo;
}

/**
 * Registrations made while each file was first required; a second load in one process reuses them.
 */
const registrationsByFile = new Map<string, Registration[]>();

export function loadApp(appRoot: string): RegisteredFunction[] {
  const files = entryFiles(appRoot);
  const functions: RegisteredFunction[] = [];
  for (const file of files) {
    for (const registration of requireEntryFile(file)) {
      functions.push(describe(registration, file));
    }
  }
  if (!coreRegistry.programmingModel && functions.length > 0) {
    throw new Error('Functions were registered but no programming model was set.');
  }
  return functions;
}

function entryFiles(appRoot: string): string[] {
  const packagePath = path.join(appRoot, 'package.json');
  let main: unknown;
  try {
    main = (JSON.parse(fs.readFileSync(packagePath, 'utf8')) as { main?: unknown }).main;
  } catch (error) {
    throw new Error(`Cannot read the app's package.json at ${packagePath}: ${messageOf(error)}`);
  }
  if (typeof main !== 'string' || main.trim() === '') {
    throw new Error(
      `${packagePath} has no "main": name the compiled entry file or a glob of them.`,
    );
  }
  if (!isGlob(main)) {
    const file = path.resolve(appRoot, main);
    if (!fs.existsSync(file)) {
      throw new Error(
        `The "main" entry point "${main}" does not exist in ${appRoot}. Build first?`,
      );
    }
    return [file];
  }
  const files = findMatchingFiles(appRoot, main);
  if (files.length === 0) {
    throw new Error(
      `Found zero files matching the "main" glob "${main}" in ${appRoot}. Build first, or ` +
        `fix "main".`,
    );
  }
  return files;
}

function requireEntryFile(file: string): Registration[] {
  const known = registrationsByFile.get(file);
  if (known) return known;
  const before = coreRegistry.registrations.length;
  try {
    require(file);
  } catch (error) {
    throw new Error(`Worker was unable to load entry point "${file}": ${messageOf(error)}`, {
      cause: error,
    });
  }
  const added = coreRegistry.registrations.slice(before);
  registrationsByFile.set(file, added);
  return added;
}

function describe(registration: Registration, scriptFile: string): RegisteredFunction {
  const { metadata, callback } = registration;
  const triggerEntry = Object.entries(metadata.bindings).find(([, binding]) =>
    /trigger$/i.test(binding.type ?? ''),
  );
  if (!triggerEntry) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
  const [triggerName, trigger] = triggerEntry;
  return {
    name: metadata.name,
    metadata,
    callback,
    scriptFile,
    triggerType: String(trigger.type).toLowerCase(),
    triggerName,
    trigger,
  };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
