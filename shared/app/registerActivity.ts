import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { contextLogger, type Logger } from '../log/Logger';
import { describeError } from '../log/redact';
import { appServices, type AppServices } from './appServices';

/**
 * Registers an activity whose work is a plain function of (services, input, log). A failure is
 * rethrown as a bare, redacted message: activity errors are written into the orchestration
 * history, which is stored in plain text, so no SDK error object (that may quote a URL with a
 * SAS) may reach it.
 */
export function registerActivity<TInput, TResult>(
  name: string,
  work: (services: AppServices, input: TInput, log: Logger) => Promise<TResult>,
): void {
  df.app.activity(name, {
    handler: async (input: unknown, context: InvocationContext) => {
      const log = contextLogger(context);
      try {
        return await work(appServices(), input as TInput, log);
      } catch (error) {
        const message = `${name} failed: ${describeError(error)}`;
        log.error(message);
        throw new Error(message);
      }
    },
  });
}
