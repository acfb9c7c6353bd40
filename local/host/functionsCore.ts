/**
 * Stand-in for `@azure/functions-core`, the module the Functions Node.js worker provides at run
 * time. `@azure/functions` calls `setProgrammingModel` and `registerFunction` on it while the app
 * loads; the local host reads what was registered from `coreRegistry`. Jest reaches this file
 * through `moduleNameMapper`, plain Node through the resolve hook in `resolveCoreModule.ts`: both
 * must load this one file so that the app and the host share a single registry.
 */
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './coreTypes';

export const version = '4.0.0-local-host';
export const hostVersion = '4.0.0-local-host';

export class Disposable {
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => disposables.forEach((d) => d.dispose()));
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

export interface Registration {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export type CoreLogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

const knownHooks = ['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log'];

/** What the app registered, shared with the host. Not part of the worker's API. */
export const coreRegistry = {
  registrations: [] as Registration[],
  programmingModel: undefined as ProgrammingModel | undefined,
  hooks: new Map<string, HookCallback[]>(knownHooks.map((name) => [name, []])),
  logSink: undefined as CoreLogSink | undefined,
};

export function registerFunction(
  metadata: FunctionMetadata,
  callback: FunctionCallback,
): Disposable {
  const duplicate = coreRegistry.registrations.find((r) => r.metadata.name === metadata.name);
  if (duplicate) {
    throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
  }
  const registration = { metadata, callback };
  coreRegistry.registrations.push(registration);
  return new Disposable(() => {
    coreRegistry.registrations = coreRegistry.registrations.filter((r) => r !== registration);
  });
}

export function setProgrammingModel(programmingModel: ProgrammingModel): void {
  coreRegistry.programmingModel = programmingModel;
}

export function getProgrammingModel(): ProgrammingModel {
  if (!coreRegistry.programmingModel) {
    throw new Error('No programming model has been set: the app has not loaded @azure/functions.');
  }
  return coreRegistry.programmingModel;
}

export function registerHook(hookName: string, callback: HookCallback): Disposable {
  const callbacks = coreRegistry.hooks.get(hookName);
  if (!callbacks) {
    // The real worker answers an unknown hook name with a RangeError; the library relies on it.
    const error = new RangeError(`Unrecognized hook "${hookName}"`);
    Object.assign(error, { isAzureFunctionsSystemError: true });
    throw error;
  }
  callbacks.push(callback);
  return new Disposable(() => {
    const index = callbacks.indexOf(callback);
    if (index >= 0) callbacks.splice(index, 1);
  });
}

export function log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
  if (coreRegistry.logSink) {
    coreRegistry.logSink(level, category, message);
  } else {
    process.stderr.write(`[functions-core ${level}] ${message}\n`);
  }
}
