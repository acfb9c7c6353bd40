/**
 * Starts the local stand-in for the Functions host and Durable Task: loads the app through its
 * `package.json` `main`, serves HTTP triggers under `/api` and the durable webhook API on
 * 127.0.0.1, runs orchestrations, activities and timers. For development and tests only.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import { loadApp, RegisteredFunction } from './appLoader';
import { BusyTracker } from './busyTracker';
import type { RpcParameterBinding } from './coreTypes';
import { durableClientInputData, DurableEndpoints } from './durable/clientBinding';
import { InstanceStore } from './durable/instanceStore';
import { OrchestrationEngine } from './durable/orchestrationEngine';
import { coreRegistry } from './functionsCore';
import { consoleLogger, hostLogFor, LocalHostLogger } from './hostLog';
import { closeServer, createHostServer, listen } from './hostServer';
import { readHostJson, warnAboutUnsupportedBindings } from './hostSettings';
import { httpRoutes } from './httpTriggers';
import { instanceSnapshot, InstanceSnapshot } from './instanceSnapshot';
import { Invoker } from './invoker';
import { installCoreModuleResolution } from './resolveCoreModule';
import { InvokeTimerOptions, TimerTriggers } from './timerTriggers';

export interface LocalHostOptions {
  /** The app folder holding `package.json` (whose `main` names the compiled entry files). */
  appRoot: string;
  /** Loopback port; 0 (the default) picks a free one. The sandbox uses 7071 like `func start`. */
  port?: number;
  /** Key for `function`-level HTTP triggers; generated when not given. */
  functionKey?: string;
  /** Key that also opens `admin`-level triggers and the admin API; generated when not given. */
  masterKey?: string;
  /** Host clock in epoch ms: orchestration time, timer firing, created times. */
  clock?: () => number;
  /** Folder to persist instances in, so that a restarted host resumes them. */
  stateDir?: string;
  /** Fire timer triggers on their schedules (they can always be run with `invokeTimer`). */
  runTimers?: boolean;
  /** Task hub name reported to clients; defaults to host.json's, then `TestHubName`. */
  taskHubName?: string;
  /** Set in `process.env` before the app loads; the app reads its settings from there. */
  env?: Record<string, string>;
  log?: LocalHostLogger;
  /** Largest request body accepted; the Functions host's limit is about 100 MB. */
  maxRequestBodyBytes?: number;
  /** How often due timers are checked against the clock. */
  timerPollIntervalMs?: number;
  /**
   * Tests only: the process kills itself (SIGKILL, no clean-up) right before or right after its
   * N-th durable write of orchestration state, to prove a run resumes from any step boundary:
   * before, the work since the last write is lost; after, the work the write implies never ran.
   */
  crashAt?: { readonly write: number; readonly moment: 'before' | 'after' };
}

export interface LocalFunctionInfo {
  name: string;
  triggerType: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  schedule?: string;
}

export interface LocalHost {
  url: string;
  port: number;
  functionKey: string;
  masterKey: string;
  taskHubName: string;
  functions: LocalFunctionInfo[];
  invokeTimer(name: string, options?: InvokeTimerOptions): Promise<void>;
  /** Starts firing timers on their schedules from now on (when `runTimers` was off). */
  startTimers(): void;
  getInstance(instanceId: string): InstanceSnapshot | undefined;
  listInstances(): InstanceSnapshot[];
  waitForInstance(instanceId: string, options?: { timeoutMs?: number }): Promise<InstanceSnapshot>;
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

const defaultBodyLimit = 100 * 1024 * 1024;
const durableClientTypes = /^(durableclient|orchestrationclient)$/i;

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  try {
    return await start(options);
  } catch (error) {
    coreRegistry.logSink = undefined;
    throw error;
  }
}

async function start(options: LocalHostOptions): Promise<LocalHost> {
  // Load the app the way the worker does, with the worker module in place.
  installCoreModuleResolution();
  Object.assign(process.env, options.env ?? {});
  const appRoot = path.resolve(options.appRoot);
  const clock = options.clock ?? Date.now;
  const logger = options.log ?? consoleLogger;
  const log = hostLogFor(logger, Date.now);
  coreRegistry.logSink = (level, category, message) =>
    logger({ time: new Date(), level, category, message });
  const hostJson = readHostJson(appRoot);
  const functions = loadApp(appRoot);
  await refuseHttpStreaming();
  warnAboutUnsupportedBindings(functions, log);

  // Wire triggers, orchestrations and the durable client binding together.
  const functionKey = options.functionKey ?? randomKey();
  const masterKey = options.masterKey ?? randomKey();
  const taskHubName = options.taskHubName ?? hostJson.hubName ?? 'TestHubName';
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? defaultBodyLimit;
  const busy = new BusyTracker();
  const invoker = new Invoker(logger);
  let origin = '';
  const endpoints = (): DurableEndpoints => ({
    origin,
    taskHubName,
    systemKey: masterKey,
    connectionName: 'Storage',
  });
  const extraInputs = (fn: RegisteredFunction): RpcParameterBinding[] =>
    Object.entries(fn.metadata.bindings)
      .filter(([, b]) => b.direction === 'in' && durableClientTypes.test(String(b.type)))
      .map(([name]) => ({
        name,
        data: { string: JSON.stringify(durableClientInputData(endpoints())) },
      }));
  const store = new InstanceStore(options.stateDir, crashAt(options.crashAt));
  const engine = new OrchestrationEngine({ store, functions, invoker, clock, log, busy });
  const timers = new TimerTriggers(functions, { invoker, clock, log, busy, extraInputs });
  const server = createHostServer({
    routes: httpRoutes(functions),
    http: { functionKey, masterKey, maxRequestBodyBytes, invoker, extraInputs, log },
    webhook: { engine, endpoints, clock, maxRequestBodyBytes },
    routePrefix: hostJson.routePrefix,
    timers,
    busy,
    log,
  });

  // Listen, pick up unfinished instances, start the clock; undo it all if a step fails.
  let poll: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(poll);
    engine.stop();
    if (server.listening) await closeServer(server);
  };
  let port: number;
  let timersRunning = options.runTimers ?? false;
  try {
    // The worker runs the app's start hooks before its first invocation.
    await invoker.runAppHooks('appStart', appRoot);
    port = await listen(server, options.port ?? 0);
    origin = `http://127.0.0.1:${port}`;
    engine.resume();
    poll = setInterval(() => {
      engine.fireDueTimers();
      if (timersRunning) timers.fireDue();
    }, options.timerPollIntervalMs ?? 25);
    poll.unref();
    if (timersRunning) timers.startup();
  } catch (error) {
    await stop();
    throw error;
  }
  log(
    'information',
    `Local host for ${appRoot} listening on ${origin} (${functions.length} functions).`,
  );

  return {
    url: origin,
    port,
    functionKey,
    masterKey,
    taskHubName,
    functions: functions.map((fn) => describeFunction(fn, timers.scheduleOf(fn.name))),
    invokeTimer: (name, timerOptions) => timers.invoke(name, timerOptions),
    startTimers: () => {
      if (timersRunning) return;
      timers.rearm();
      timersRunning = true;
      timers.startup();
    },
    getInstance: (id) => {
      const instance = store.get(id);
      return instance && instanceSnapshot(instance);
    },
    listInstances: () => store.all().map(instanceSnapshot),
    waitForInstance: async (id, waitOptions) =>
      instanceSnapshot(await engine.waitForTerminal(id, waitOptions?.timeoutMs ?? 30_000)),
    whenIdle: () => busy.whenIdle(),
    stop: async () => {
      await stop();
      await invoker.runAppHooks('appTerminate', appRoot);
      coreRegistry.logSink = undefined;
    },
  };
}

function crashAt(
  point: LocalHostOptions['crashAt'],
): ((writes: number, moment: 'before' | 'after') => void) | undefined {
  if (!point) return undefined;
  return (writes, moment) => {
    if (writes === point.write && moment === point.moment) process.kill(process.pid, 'SIGKILL');
  };
}

/** The library's HTTP streaming needs a proxy inside the worker that this host does not have. */
async function refuseHttpStreaming(): Promise<void> {
  const capabilities = await coreRegistry.programmingModel?.getCapabilities?.({});
  if (capabilities?.HttpUri) {
    throw new Error(
      'The app enables HTTP streaming (app.setup), which the local host does not support.',
    );
  }
}

function describeFunction(fn: RegisteredFunction, schedule: string | undefined): LocalFunctionInfo {
  const info: LocalFunctionInfo = { name: fn.name, triggerType: String(fn.trigger.type) };
  if (fn.triggerType === 'httptrigger') {
    info.route = typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
    if (Array.isArray(fn.trigger.methods)) info.methods = fn.trigger.methods.map(String);
    info.authLevel = String(fn.trigger.authLevel ?? 'anonymous');
  }
  if (schedule) info.schedule = schedule;
  return info;
}

function randomKey(): string {
  return randomBytes(24).toString('base64url');
}
