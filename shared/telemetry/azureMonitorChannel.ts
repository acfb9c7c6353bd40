import type { TokenCredential } from '@azure/core-auth';
import { AzureLogger, getLogLevel, setLogLevel } from '@azure/logger';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';
import type { InstrumentationOptions } from '@azure/monitor-opentelemetry';
import {
  context,
  metrics,
  trace,
  TraceFlags,
  type Context,
  type Gauge,
  type Histogram,
} from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { AggregationType } from '@opentelemetry/sdk-metrics';
import { redactingLogRecordProcessor, redactingSpanProcessor } from './redactingProcessors';
import type { TelemetryChannel } from './telemetry';
import { telemetryEvents, telemetryMetrics, type TelemetryMetricName } from './telemetryCatalog';

const scope = 'hsm-backup';

/**
 * Starts the Azure Monitor OpenTelemetry distro for this worker and returns the channel the app
 * emits through. What the worker sends, and what it leaves to the Functions host:
 *
 * - custom events (log records named by `microsoft.custom_event.name`) and custom metrics (OTel
 *   instruments, delta temporality: each value is exported once) are the worker's alone;
 * - dependencies: outgoing HTTP, once per call (the Azure SDK instrumentation is off: it would
 *   add a second span for the same request), redacted by `redactingSpanProcessor`;
 * - requests and `context.log` lines are the host's: incoming requests are not instrumented and
 *   console/bunyan/winston collection is off, so nothing is sent twice (nor are the exporter's
 *   own calls to its settings service);
 * - no sampling anywhere on the worker side: ratio 1 (no rate limit) for spans, and events are
 *   emitted under a context marked sampled, so trace-based log sampling can never drop one;
 * - live metrics, standard metrics and performance counters are off (the host has its own).
 */
export function startAzureMonitorChannel(
  connectionString: string,
  credential?: TokenCredential,
): TelemetryChannel {
  // Loaded here, not at the top: with telemetry off the distro is never loaded at all.
  const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof AzureMonitor;
  // The distro takes over the Azure SDK's logging (its level and where lines go, stdout); the
  // app's logging stays as it was.
  const sdkLog = AzureLogger.log;
  const sdkLogLevel = getLogLevel();
  const off = { enabled: false };
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential },
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableTraceBasedSamplingForLogs: false,
    enableLiveMetrics: false,
    enableStandardMetrics: false,
    enablePerformanceCounters: false,
    instrumentationOptions: {
      http: {
        enabled: true,
        // Not "ignore": an ignored request suppresses tracing of everything its handler calls.
        disableIncomingRequestInstrumentation: true,
        ignoreOutgoingRequestHook: isExportersOwnControlCall,
      } as InstrumentationOptions['http'],
      azureSdk: off,
      mongoDb: off,
      mySql: off,
      postgreSql: off,
      redis: off,
      redis4: off,
      bunyan: off,
      winston: off,
      console: off,
    },
    spanProcessors: [redactingSpanProcessor],
    logRecordProcessors: [redactingLogRecordProcessor],
    // The HTTP instrumentation's own duration metrics repeat what each dependency already says.
    views: ['http.client.request.duration', 'http.server.request.duration'].map((name) => ({
      instrumentName: name,
      aggregation: { type: AggregationType.DROP },
    })),
  });

  AzureLogger.log = sdkLog;
  setLogLevel(sdkLogLevel);

  // The HTTP instrumentation patches `http` and `https` when they are next required. The SDKs
  // loaded them before telemetry started, and they call them through the shared module objects,
  // so requiring them once more here is all it takes to cover every outgoing request.
  for (const name of ['http', 'https', 'node:http', 'node:https']) require(name);

  const logger = logs.getLogger(scope);
  const meter = metrics.getMeter(scope);
  const instruments = new Map<TelemetryMetricName, Histogram | Gauge>();
  const instrument = (name: TelemetryMetricName): Histogram | Gauge => {
    let found = instruments.get(name);
    if (!found) {
      const rule = telemetryMetrics[name];
      const options = { unit: rule.unit, description: rule.when };
      found =
        rule.instrument === 'histogram'
          ? meter.createHistogram(name, options)
          : meter.createGauge(name, options);
      instruments.set(name, found);
    }
    return found;
  };

  return {
    event: (name, properties) => {
      logger.emit({
        body: name,
        severityNumber: severityOf(telemetryEvents[name].level),
        attributes: { 'microsoft.custom_event.name': name, ...properties },
        context: sampledContext(context.active()),
      });
    },
    metric: (name, value, attributes) => {
      instrument(name).record(value, attributes);
    },
    flush: async () => {
      await Promise.all([
        forceFlush(logs.getLoggerProvider()),
        forceFlush(metrics.getMeterProvider()),
        forceFlush(trace.getTracerProvider()),
      ]);
    },
  };
}

/** The active context, its span (if any) marked sampled, so the event keeps its operation id. */
function sampledContext(active: Context): Context {
  const span = trace.getSpanContext(active);
  if (!span || span.traceFlags & TraceFlags.SAMPLED) return active;
  return trace.setSpanContext(active, {
    ...span,
    traceFlags: span.traceFlags | TraceFlags.SAMPLED,
  });
}

function severityOf(level: 'info' | 'warn' | 'error'): SeverityNumber {
  return level === 'error'
    ? SeverityNumber.ERROR
    : level === 'warn'
      ? SeverityNumber.WARN
      : SeverityNumber.INFO;
}

/** The global providers are proxies in part; flush whatever actually holds the queue. */
async function forceFlush(provider: unknown): Promise<void> {
  const target =
    provider && typeof (provider as { getDelegate?: unknown }).getDelegate === 'function'
      ? (provider as { getDelegate(): unknown }).getDelegate()
      : provider;
  const flush = (target as { forceFlush?: () => Promise<void> } | undefined)?.forceFlush;
  if (typeof flush === 'function') await flush.call(target);
}

/** The exporter's calls to its own control services (settings, live metrics), not the app's. */
function isExportersOwnControlCall(request: { host?: string | null; hostname?: string | null }) {
  const host = request.hostname ?? request.host ?? '';
  return /(^|\.)monitor\.azure\.com(:\d+)?$/i.test(host);
}
