import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../../local/telemetrySink/startTelemetrySink';
import { repoRoot } from '../support/appUnderTest';

/** What a query relies on: the tables it reads, the event/metric names and the fields it uses. */
export interface KqlUses {
  readonly tables: readonly string[];
  readonly names: readonly string[];
  readonly dimensions: readonly string[];
  readonly metricColumns: readonly string[];
}

export function kqlUses(query: string): KqlUses {
  const tables = [...query.matchAll(/\b(customEvents|customMetrics|traces|dependencies)\b/g)];
  const names = new Set<string>();
  for (const [, name] of query.matchAll(/\bname\s*==\s*"([^"]+)"/g)) names.add(name);
  for (const [, list] of query.matchAll(/\bname\s+in\s*\(([^)]*)\)/g)) {
    for (const [, name] of list.matchAll(/"([^"]+)"/g)) names.add(name);
  }
  return {
    tables: unique(tables.map((m) => m[1])),
    names: [...names],
    dimensions: unique([...query.matchAll(/customDimensions\.(\w+)/g)].map((m) => m[1])),
    metricColumns: unique(
      [...query.matchAll(/\b(valueCount|valueSum|valueMin|valueMax)\b/g)].map((m) => m[1]),
    ),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The ```kusto blocks of docs/monitoring.md. */
export function docsQueries(): string[] {
  const text = readFileSync(join(repoRoot, 'docs', 'monitoring.md'), 'utf8');
  return [...text.matchAll(/```kusto\n([\s\S]*?)```/g)].map((m) => m[1].trim());
}

/**
 * The '''-quoted queries of infra/monitoring.bicep, with their `let hsmName` line as the docs have
 * it.
 */
export function bicepQueries(): { name: string; query: string; alert: boolean }[] {
  const text = readFileSync(join(repoRoot, 'infra', 'monitoring.bicep'), 'utf8');
  return [...text.matchAll(/var (\w+) = (concat\(hsmLet, )?'''([\s\S]*?)'''/g)].map((m) => ({
    name: m[1],
    alert: m[2] !== undefined,
    query: (m[2] ? 'let hsmName = "contoso";\n' : '') + m[3].trim(),
  }));
}

/** One row as Application Insights stores an envelope: the table and the columns queries read. */
export interface StoredRow {
  readonly table: 'customEvents' | 'customMetrics' | 'dependencies' | 'other';
  readonly name: string;
  readonly customDimensions: Readonly<Record<string, string>>;
  readonly columns: ReadonlySet<string>;
}

export function storedRows(envelopes: readonly Envelope[]): StoredRow[] {
  return envelopes.map((envelope) => {
    const base = envelope.data?.baseData ?? {};
    const customDimensions = base.properties ?? {};
    if (envelope.data?.baseType === 'EventData') {
      return {
        table: 'customEvents',
        name: String(base.name),
        customDimensions,
        columns: new Set(),
      };
    }
    if (envelope.data?.baseType === 'MetricData') {
      const metric = base.metrics?.[0] as
        { name: string; value: number; count?: number; min?: number; max?: number } | undefined;
      // Ingestion fills valueSum from value and valueCount from count; min and max only if sent.
      const columns = new Set(['value', 'valueSum']);
      if (metric?.count !== undefined) columns.add('valueCount');
      if (metric?.min !== undefined) columns.add('valueMin');
      if (metric?.max !== undefined) columns.add('valueMax');
      return { table: 'customMetrics', name: metric?.name ?? '', customDimensions, columns };
    }
    const table = envelope.data?.baseType === 'RemoteDependencyData' ? 'dependencies' : 'other';
    return { table, name: String(base.name ?? ''), customDimensions, columns: new Set() };
  });
}

/**
 * What a query uses that the captured rows do not have: names absent from its tables, fields
 * absent from every row of those names, metric columns never sent. Empty means it fits.
 */
export function missingFromCapture(query: string, rows: readonly StoredRow[]): string[] {
  const uses = kqlUses(query);
  const relevant = rows.filter(
    (row) => uses.tables.includes(row.table) && uses.names.includes(row.name),
  );
  const missing: string[] = [];
  for (const name of uses.names) {
    if (!relevant.some((row) => row.name === name)) missing.push(`name ${name}`);
  }
  for (const field of uses.dimensions) {
    if (!relevant.some((row) => field in row.customDimensions)) {
      missing.push(`customDimensions.${field}`);
    }
  }
  for (const column of uses.metricColumns) {
    if (!relevant.some((row) => row.columns.has(column))) missing.push(column);
  }
  return missing;
}
