import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  dimensions,
  telemetryEvents,
  telemetryMetrics,
} from '../../shared/telemetry/telemetryCatalog';
import { repoRoot } from '../support/appUnderTest';
import { bicepQueries, docsQueries, kqlUses } from './kqlShape';

const docs = readFileSync(join(repoRoot, 'docs', 'monitoring.md'), 'utf8');

/** The rows of the markdown table whose header starts with `| first |`, as trimmed cells. */
function tableRows(first: string): string[][] {
  const lines = docs.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(line));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');
const list = (cell: string) => cell.split(',').map((item) => item.trim());

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the telemetry catalog', () => {
  it('is the events table of docs/monitoring.md, row for row', () => {
    const documented = tableRows('event').map(([name, level, when, dims]) => ({
      name: unquote(name),
      level,
      when,
      dimensions: list(dims),
    }));
    const expected = Object.entries(telemetryEvents).map(([name, rule]) => ({
      name,
      level: rule.level,
      when: rule.when,
      dimensions: [...rule.dimensions],
    }));
    expect(documented).toEqual(expected);
  });

  it('is the metrics table of docs/monitoring.md, row for row', () => {
    const documented = tableRows('metric').map(([name, instrument, unit, when, dims]) => ({
      name: unquote(name),
      instrument,
      unit,
      when,
      dimensions: list(dims),
    }));
    const expected = Object.entries(telemetryMetrics).map(([name, rule]) => ({
      name,
      ...rule,
      dimensions: [...rule.dimensions],
    }));
    expect(documented).toEqual(expected);
  });

  it('documents every dimension once, in words', () => {
    const documented = Object.fromEntries(
      tableRows('dimension').map(([name, holds]) => [unquote(name), holds]),
    );
    expect(documented).toEqual(dimensions);
  });

  it('has every event and metric emitted somewhere in the app', () => {
    const code = sourceFiles(join(repoRoot, 'shared'))
      .concat(sourceFiles(join(repoRoot, 'functions')))
      .filter((file) => !file.endsWith('telemetryCatalog.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const names = [...Object.keys(telemetryEvents), ...Object.keys(telemetryMetrics)];
    const unused = names.filter((name) => !code.includes(`'${name}'`));
    // Backup outcomes are named through outcomeEventName, which lists all three.
    expect(unused).toEqual([]);
  });

  it('is emitted by activities, HTTP handlers and timers, never by an orchestrator', () => {
    // An orchestrator runs again on every replay: emitting there would send an event per replay.
    const orchestratorCode = [
      'shared/backup/backupCycleOrchestrator.ts',
      'shared/restore/restoreOrchestrator.ts',
      'shared/restore/dryRunRestore.ts',
      'shared/orchestration/jobSteps.ts',
    ].map((file) => readFileSync(join(repoRoot, file), 'utf8'));
    for (const code of orchestratorCode) expect(code).not.toMatch(/telemetry/);
  });

  it('names every event and dimension the docs and the alert rules query', () => {
    const known = new Set([...Object.keys(telemetryEvents), ...Object.keys(telemetryMetrics)]);
    const queries = [...docsQueries(), ...bicepQueries().map((q) => q.query)];
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const query of queries) {
      const uses = kqlUses(query);
      expect(uses.names.length).toBeGreaterThan(0);
      expect(uses.names.filter((name) => !known.has(name))).toEqual([]);
      expect(uses.dimensions.filter((dimension) => !(dimension in dimensions))).toEqual([]);
    }
  });

  it('ships the same alert and workbook queries as the docs show', () => {
    const documented = docsQueries();
    const shipped = bicepQueries();
    expect(shipped.filter((q) => q.alert)).toHaveLength(3);
    for (const { name, query } of shipped) {
      expect({ name, documented: documented.includes(query) }).toEqual({ name, documented: true });
    }
  });
});
