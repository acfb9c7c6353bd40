import { redact } from './redact';

/** Where app code writes its lines: the invocation context in Azure, anything in tests. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface ContextLike {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Logs through a Functions invocation context, redacting every line on the way out. */
export function contextLogger(context: ContextLike): Logger {
  return {
    info: (message) => context.log(redact(message)),
    warn: (message) => context.warn(redact(message)),
    error: (message) => context.error(redact(message)),
  };
}
