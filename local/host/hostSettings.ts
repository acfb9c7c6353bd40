/**
 * Settings the app itself carries in `host.json` that change how the host serves it, and the
 * checks that keep the host from silently ignoring a binding it cannot provide.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RegisteredFunction } from './appLoader';
import type { HostLog } from './hostLog';

export interface AppHostSettings {
  routePrefix: string;
  hubName?: string;
}

export function readHostJson(appRoot: string): AppHostSettings {
  const file = path.join(appRoot, 'host.json');
  if (!fs.existsSync(file)) return { routePrefix: 'api' };
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    extensions?: { http?: { routePrefix?: unknown }; durableTask?: { hubName?: unknown } };
  };
  const prefix = json.extensions?.http?.routePrefix;
  const hubName = json.extensions?.durableTask?.hubName;
  return {
    routePrefix: typeof prefix === 'string' ? prefix.replace(/^\/+|\/+$/g, '') : 'api',
    hubName: typeof hubName === 'string' && !hubName.includes('%') ? hubName : undefined,
  };
}

const servedTriggers = new Set([
  'httptrigger',
  'timertrigger',
  'orchestrationtrigger',
  'activitytrigger',
]);

/** Warns, at start-up, about every trigger or binding the local host will not provide. */
export function warnAboutUnsupportedBindings(functions: RegisteredFunction[], log: HostLog): void {
  for (const fn of functions) {
    const scope = { functionName: fn.name };
    if (!servedTriggers.has(fn.triggerType)) {
      log(
        'warning',
        `Trigger type '${String(fn.trigger.type)}' is not served by the local host; the ` +
          `function will never run.`,
        scope,
      );
    }
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (name === fn.triggerName) continue;
      const type = String(binding.type ?? '').toLowerCase();
      const isClient = type === 'durableclient' || type === 'orchestrationclient';
      const isHttpReturn = type === 'http' && binding.direction === 'out';
      if (!isClient && !isHttpReturn) {
        log(
          'warning',
          `Binding '${name}' of type '${String(binding.type)}' is not provided by the local host.`,
          scope,
        );
      }
    }
  }
}
