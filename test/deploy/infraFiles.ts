import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { byKind, readBicep, type BicepDeclaration, type BicepFile } from './bicepModel';

export const repoRoot = resolve(__dirname, '..', '..');
export const infraDir = join(repoRoot, 'infra');

/** Every Bicep file under infra/, parsed, by its path relative to infra/ (forward slashes). */
export interface Infra {
  readonly paths: string[];
  file(path: string): BicepFile;
  declaration(path: string, kind: BicepDeclaration['kind'], name: string): BicepDeclaration;
  /** Resources of a type, without the API version: 'Microsoft.Storage/storageAccounts'. */
  resourcesOfType(path: string, type: string): BicepDeclaration[];
}

function bicepPaths(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return bicepPaths(path);
    return name.endsWith('.bicep') ? [path] : [];
  });
}

/** The Bicep files under infra/, relative to it: known before anything is parsed. */
export function infraPaths(): string[] {
  return bicepPaths(infraDir).map((path) => relative(infraDir, path).split('\\').join('/'));
}

export async function loadInfra(): Promise<Infra> {
  const paths = infraPaths();
  const files = new Map<string, BicepFile>();
  for (const path of paths) files.set(path, await readBicep(join(infraDir, path)));
  const file = (path: string): BicepFile => {
    const found = files.get(path);
    if (!found) throw new Error(`infra/${path} is missing.`);
    return found;
  };
  return {
    paths,
    file,
    declaration: (path, kind, name) => {
      const found = byKind(file(path), kind).get(name);
      if (!found) throw new Error(`infra/${path} declares no ${kind} ${name}.`);
      return found;
    },
    resourcesOfType: (path, type) =>
      file(path).declarations.filter(
        (d) => d.kind === 'resource' && d.target?.split('@')[0] === type,
      ),
  };
}
