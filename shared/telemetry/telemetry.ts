import type { Logger } from '../log/Logger';
import { redactTelemetryText } from './redactTelemetry';
import {
  telemetryEvents,
  type Dimensions,
  type TelemetryEventName,
  type TelemetryMetricName,
} from './telemetryCatalog';

/**
 * Where events and metrics go. Both calls only enqueue (the exporter sends in the background);
 * `flush` pushes what is queued out and resolves when the sending is done or has failed.
 */
export interface TelemetryChannel {
  event(name: TelemetryEventName, properties: Readonly<Record<string, string>>): void;
  metric(
    name: TelemetryMetricName,
    value: number,
    attributes: Readonly<Record<string, string>>,
  ): void;
  flush(): Promise<void>;
}

/** The channel when APPLICATIONINSIGHTS_CONNECTION_STRING is not set: nothing is sent. */
export const silentChannel: TelemetryChannel = {
  event: () => undefined,
  metric: () => undefined,
  flush: () => Promise.resolve(),
};

let channel: TelemetryChannel = silentChannel;
/** Whether anything was emitted since the last flush began. */
let pending = false;

/** Installs the channel (at start-up, or a recording one in tests). */
export function useTelemetryChannel(next: TelemetryChannel): void {
  channel = next;
}

export function telemetryIsActive(): boolean {
  return channel !== silentChannel;
}

/** The dimensions one event may carry, by the catalog. */
export type EventDimensions<N extends TelemetryEventName> = Partial<
  Record<(typeof telemetryEvents)[N]['dimensions'][number], Dimensions[keyof Dimensions]>
>;

/**
 * Emits one custom event, and logs the same facts through the invocation context as one line
 * (`BackupSucceeded hsm=contoso jobId=... folder=...`) so that the logs carry the same ids. Every
 * value is redacted first. Never throws and never waits: telemetry must not fail or slow a
 * backup or a restore.
 */
export function emitEvent<N extends TelemetryEventName>(
  log: Logger | undefined,
  name: N,
  values: EventDimensions<N>,
): void {
  try {
    const properties = toProperties(values);
    if (log) {
      const pairs = Object.entries(properties).map(([k, v]) => `${k}=${quoteIfNeeded(v)}`);
      log[telemetryEvents[name].level](`${name} ${pairs.join(' ')}`);
    }
    channel.event(name, properties);
    pending = true;
  } catch {
    // Telemetry is never worth a failed backup: a broken channel loses the item, nothing else.
  }
}

/** Records one metric value; never throws. */
export function recordMetric(name: TelemetryMetricName, value: number, values: Dimensions): void {
  try {
    if (!Number.isFinite(value)) return;
    channel.metric(name, value, toProperties(values));
    pending = true;
  } catch {
    // As for events: a lost value, never a failed operation.
  }
}

/**
 * Sends what is queued, waiting at most `timeoutMs`. Resolves `true` when the exporter finished
 * (sent, or gave up) in time; never rejects. The wait's timer does not keep the process alive.
 */
export async function flushTelemetry(timeoutMs: number): Promise<boolean> {
  pending = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  let flushing: Promise<boolean>;
  try {
    flushing = channel.flush().then(
      () => true,
      () => true,
    );
  } catch {
    flushing = Promise.resolve(true);
  }
  try {
    return await Promise.race([flushing, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toProperties(values: Dimensions): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    properties[key] = redactTelemetryText(String(value)).slice(0, 8192);
  }
  return properties;
}

function quoteIfNeeded(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/**
 * Starts sending what this invocation emitted without anyone waiting for it: called after each
 * invocation, so that events leave while the instance is warm, not only at the next export tick.
 */
export function flushSoonIfPending(timeoutMs: number): void {
  if (pending) void flushTelemetry(timeoutMs);
}

/** Flushes only what was emitted since the last flush began (at shutdown: not a second wait). */
export function flushIfPending(timeoutMs: number): Promise<boolean> {
  return pending ? flushTelemetry(timeoutMs) : Promise.resolve(true);
}
