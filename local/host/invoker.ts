/**
 * Invokes a registered function along the worker's own path: a core invocation context, the
 * programming model's `getArguments` / `invokeFunction` / `getResponse`, with the app's
 * pre- and post-invocation hooks around the call. Bindings are therefore converted by
 * `@azure/functions` itself, exactly as they are in Azure.
 */
import { randomUUID } from 'crypto';
import type { RegisteredFunction } from './appLoader';
import type {
  CoreInvocationContext,
  HookCallback,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from './coreTypes';
import { coreRegistry } from './functionsCore';
import type { LocalHostLogger } from './hostLog';

export interface InvocationRequest {
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Extra scope for log lines, e.g. the orchestration instance an activity belongs to. */
  instanceId?: string;
}

export type InvocationOutcome =
  | { ok: true; invocationId: string; response: RpcInvocationResponse }
  | { ok: false; invocationId: string; error: unknown };

export class Invoker {
  /** Shared by every hook for the life of the app, as the worker's `appHookData` is. */
  readonly appHookData: Record<string, unknown> = {};

  constructor(private readonly logger: LocalHostLogger) {}

  async invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome> {
    const invocationId = randomUUID();
    let invocationContext: unknown;
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.name,
        inputData: request.inputData,
        triggerMetadata: request.triggerMetadata,
      },
      metadata: {
        name: fn.name,
        functionId: fn.name,
        bindings: fn.metadata.bindings,
        scriptFile: fn.scriptFile,
      },
      log: (level, category, message) =>
        this.emit(level, category, message, fn.name, invocationId, request, invocationContext),
    };
    const programmingModel = coreRegistry.programmingModel;
    if (!programmingModel) throw new Error('The app has not set a programming model.');
    try {
      const model = programmingModel.getInvocationModel(coreContext);
      const { context, inputs } = await model.getArguments();
      invocationContext = context;

      coreContext.state = 'preInvocationHooks';
      const pre = { hookData: {}, appHookData: this.appHookData, invocationContext: context };
      const preContext = { ...pre, inputs, functionCallback: fn.callback };
      await runHooks('preInvocation', preContext);

      coreContext.state = 'invocation';
      let result: unknown;
      let error: unknown;
      try {
        result = await model.invokeFunction(
          context,
          preContext.inputs,
          preContext.functionCallback,
        );
      } catch (thrown) {
        error = thrown;
      }

      coreContext.state = 'postInvocationHooks';
      const postContext = { ...pre, inputs: preContext.inputs, result, error };
      await runHooks('postInvocation', postContext);
      coreContext.state = undefined;
      if (postContext.error !== undefined && postContext.error !== null) {
        return { ok: false, invocationId, error: postContext.error };
      }
      const response = await model.getResponse(context, postContext.result);
      return { ok: true, invocationId, response };
    } catch (error) {
      return { ok: false, invocationId, error };
    }
  }

  async runAppHooks(name: 'appStart' | 'appTerminate', appRoot: string): Promise<void> {
    const context = { hookData: {}, appHookData: this.appHookData, functionAppDirectory: appRoot };
    await runHooks(name, context);
  }

  private emit(
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    functionName: string,
    invocationId: string,
    request: InvocationRequest,
    invocationContext: unknown,
  ): void {
    const hookContext = { hookData: {}, level, message, category, invocationContext };
    for (const hook of coreRegistry.hooks.get('log') ?? []) {
      try {
        void hook(hookContext);
      } catch {
        // A failing log hook must not break the app's logging, as in the worker.
      }
    }
    this.logger({
      time: new Date(),
      level: hookContext.level,
      category,
      message: hookContext.message,
      functionName,
      invocationId,
      instanceId: request.instanceId,
    });
  }
}

async function runHooks(name: string, context: Record<string, unknown>): Promise<void> {
  const hooks: HookCallback[] = [...(coreRegistry.hooks.get(name) ?? [])];
  for (const hook of hooks) await hook(context);
}
