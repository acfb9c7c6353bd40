/**
 * The small glob dialect that `package.json` `main` uses in Functions apps: `*`, `?`, `**`,
 * `{a,b}` (nestable) and `[...]` classes, always with `/` separators relative to the app root.
 */
import * as fs from 'fs';
import * as path from 'path';

const globCharacters = /[*?{[]/;

export function isGlob(pattern: string): boolean {
  return globCharacters.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${translate(normalize(pattern), 0, false).source}$`);
}

/**
 * Absolute paths of the files under `root` that `pattern` matches, sorted for a stable load order.
 */
export function findMatchingFiles(root: string, pattern: string): string[] {
  const normalized = normalize(pattern);
  const matcher = globToRegExp(normalized);
  const segments = normalized.split('/');
  const firstGlob = segments.findIndex((segment) => isGlob(segment));
  const baseRelative = segments.slice(0, firstGlob < 0 ? segments.length - 1 : firstGlob).join('/');
  const matches: string[] = [];
  walk(path.join(root, baseRelative), baseRelative, (relative) => {
    if (matcher.test(relative)) matches.push(path.join(root, relative));
  });
  return matches.sort();
}

function normalize(pattern: string): string {
  return pattern.replace(/\\/g, '/').replace(/^\.\//, '');
}

function walk(directory: string, relative: string, visit: (relativeFile: string) => void): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(path.join(directory, entry.name), childRelative, visit);
    else if (entry.isFile()) visit(childRelative);
  }
}

interface Translation {
  source: string;
  end: number;
}

/** Translates from `start` until the end, or until the `,`/`}` that closes a brace group. */
function translate(pattern: string, start: number, inBraces: boolean): Translation {
  let source = '';
  let i = start;
  while (i < pattern.length) {
    const char = pattern[i];
    if (inBraces && (char === ',' || char === '}')) break;
    if (char === '*' && pattern[i + 1] === '*') {
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      if (atSegmentStart && pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 3;
      } else {
        source += '.*';
        i += 2;
      }
    } else if (char === '*') {
      source += '[^/]*';
      i += 1;
    } else if (char === '?') {
      source += '[^/]';
      i += 1;
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) throw new Error(`Unclosed "[" in glob "${pattern}"`);
      const body = pattern
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = close + 1;
    } else if (char === '{') {
      const alternatives: string[] = [];
      let cursor = i + 1;
      for (;;) {
        const part = translate(pattern, cursor, true);
        alternatives.push(part.source);
        if (pattern[part.end] === '}') {
          cursor = part.end + 1;
          break;
        }
        if (part.end >= pattern.length) throw new Error(`Unclosed "{" in glob "${pattern}"`);
        cursor = part.end + 1;
      }
      source += `(?:${alternatives.join('|')})`;
      i = cursor;
    } else {
      source += char.replace(/[.+^$()|\\\]]/g, '\\$&');
      i += 1;
    }
  }
  return { source, end: i };
}
