import { app } from '@azure/functions';
import { context as otelContext, propagation } from '@opentelemetry/api';
import type { AppConfig } from '../config/AppConfig';
import type { TokenCredential } from '@azure/core-auth';
import { createCredential } from '../auth/createCredential';
import { describeError } from '../log/redact';
import { startAzureMonitorChannel } from './azureMonitorChannel';
import { registerTelemetrySecrets } from './redactTelemetry';
import { flushIfPending, flushSoonIfPending, useTelemetryChannel } from './telemetry';

/** The longest the worker waits for telemetry when the host stops it. */
export const shutdownFlushMs = 5000;
/** The budget of the unawaited flush after an invocation that emitted something. */
const afterInvocationFlushMs = 10_000;

let started = false;

/**
 * Turns telemetry on when APPLICATIONINSIGHTS_CONNECTION_STRING is set, once per process; does
 * nothing otherwise. A failure to start is one warning line and no telemetry: never a reason for
 * the app not to back up.
 */
export function startTelemetry(config: AppConfig): void {
  if (started) return;
  started = true;
  const connectionString = config.telemetry.connectionString;
  if (!connectionString) return;
  try {
    registerTelemetrySecrets([connectionString, config.storage.accountKey]);
    useTelemetryChannel(startAzureMonitorChannel(connectionString, exporterCredential(config)));
    registerFunctionsHooks();
  } catch (error) {
    console.warn(
      `hsm-backup: telemetry is off: the Application Insights exporter did not start ` +
        `(${describeError(error)}).`,
    );
  }
}

/**
 * With Entra-only ingestion the exporter authenticates as the app (the identity the deployment
 * grants "Monitoring Metrics Publisher"); locally, the sandbox's static credential, which only a
 * loopback sink ever sees.
 */
function exporterCredential(config: AppConfig): TokenCredential | undefined {
  const entra = config.telemetry.entraAuth;
  if (!entra) return undefined;
  if (config.credential.kind === 'local-static' || !entra.clientId) {
    return createCredential(config.credential);
  }
  return createCredential({ kind: 'managed-identity', clientId: entra.clientId });
}

/**
 * What the worker adds around every invocation: the host's trace context becomes the handler's,
 * so events and dependencies share the host request's operation id; afterwards, anything emitted
 * starts on its way without the invocation waiting for it; at shutdown, a bounded flush.
 *
 * This is the one part of the Functions OpenTelemetry instrumentation this app needs; the rest of
 * it (forwarding `context.log` from the worker) would send every log line a second time while the
 * host forwards them too, as it does unless host.json turns on its OpenTelemetry mode.
 */
function registerFunctionsHooks(): void {
  app.hook.preInvocation((hook) => {
    const trace = hook.invocationContext.traceContext;
    if (!trace?.traceParent) return;
    const carrier = { traceparent: trace.traceParent, tracestate: trace.traceState ?? '' };
    const parent = propagation.extract(otelContext.active(), carrier);
    hook.functionHandler = otelContext.bind(parent, hook.functionHandler);
  });
  app.hook.postInvocation(() => flushSoonIfPending(afterInvocationFlushMs));
  app.hook.appTerminate(async () => {
    await flushIfPending(shutdownFlushMs);
  });
}
