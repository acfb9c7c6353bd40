import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { redactAttributesInPlace, redactTelemetryText } from './redactTelemetry';

/**
 * Redaction for what OpenTelemetry collects on its own: dependency and request spans (their URL
 * attributes, exception events and status messages) and log records. They run after the SDK's
 * own processors have seen the item and before the batch processor queues it for export, so
 * nothing leaves unredacted. A processor that throws would lose the item, never the operation.
 */
export const redactingSpanProcessor: SpanProcessor = {
  onStart(span: Span, _parentContext: Context): void {
    void _parentContext;
    try {
      redactAttributesInPlace(spanAttributes(span));
    } catch {
      // Redacted again at the end.
    }
  },
  onEnd(span: ReadableSpan): void {
    try {
      redactAttributesInPlace(spanAttributes(span));
      for (const event of span.events) {
        if (event.attributes) redactAttributesInPlace(event.attributes as Record<string, unknown>);
      }
      const status = span.status as { message?: string };
      if (status.message) status.message = redactTelemetryText(status.message);
    } catch {
      // Nothing better to do here than let the exporter's own URL masking stand.
    }
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export const redactingLogRecordProcessor: LogRecordProcessor = {
  onEmit(record: SdkLogRecord): void {
    try {
      if (typeof record.body === 'string') record.setBody(redactTelemetryText(record.body));
      redactAttributesInPlace(record.attributes as Record<string, unknown>);
    } catch {
      // As above.
    }
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Span attributes are a plain object in the SDK; the interfaces only call them read-only. */
function spanAttributes(span: Span | ReadableSpan): Record<string, unknown> {
  return (span as unknown as { attributes: Record<string, unknown> }).attributes;
}
