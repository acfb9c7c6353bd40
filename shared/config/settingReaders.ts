import { ConfigurationError } from './ConfigurationError';
import { formatDuration, parseDurationMs } from './duration';

/** App settings as the Functions host exposes them: environment variables. */
export type SettingsSource = Readonly<Record<string, string | undefined>>;

/**
 * Reads one setting at a time and collects every problem, so that start-up reports all bad
 * settings at once instead of one per deployment.
 */
export class SettingReader {
  readonly problems: ConfigurationError[] = [];

  constructor(private readonly source: SettingsSource) {}

  /** The trimmed value, or undefined when the setting is absent or blank. */
  raw(name: string): string | undefined {
    const value = this.source[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  fail(settings: string | readonly string[], message: string): undefined {
    const names = typeof settings === 'string' ? [settings] : settings;
    this.problems.push(new ConfigurationError(names, message));
    return undefined;
  }

  required(name: string, form: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return this.fail(name, `${name} is required: ${form}.`);
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(name, `${name} must be a whole number from ${min} to ${max}; got "${value}".`);
      return fallback;
    }
    return Number(value);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    this.fail(name, `${name} must be "true" or "false"; got "${value}".`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(name, `${name} must be one of ${allowed.join(', ')}; got "${value}".`);
    return fallback;
  }

  duration(name: string, fallbackMs: number, minMs: number, maxMs: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallbackMs;
    const ms = parseDurationMs(value);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      this.fail(
        name,
        `${name} must be a duration such as 30s, 5m, 6h or 14d, from ${formatDuration(minMs)} ` +
          `to ${formatDuration(maxMs)}; got "${value}".`,
      );
      return fallbackMs;
    }
    return ms;
  }

  url(name: string, value: string): URL | undefined {
    try {
      return new URL(value);
    } catch {
      return this.fail(name, `${name} must be an absolute URL; got "${value}".`);
    }
  }
}

/** True for addresses that can only be this machine: the only place plain HTTP is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
