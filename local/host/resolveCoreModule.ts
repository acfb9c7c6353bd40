/**
 * In plain Node, makes `require('@azure/functions-core')` load `functionsCore` from this folder,
 * the way the Functions worker injects its own module. Under Jest the `moduleNameMapper` does the
 * same job and this hook is never consulted (Jest resolves modules itself).
 */
import Module = require('module');

const coreModuleName = '@azure/functions-core';

interface ResolvingModule {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}

let installed = false;

export function installCoreModuleResolution(): void {
  if (installed) return;
  installed = true;
  const resolver = Module as unknown as ResolvingModule;
  const corePath = require.resolve('./functionsCore');
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request, parent, isMain, options) {
    if (request === coreModuleName) return corePath;
    return original.call(this, request, parent, isMain, options);
  };
}
