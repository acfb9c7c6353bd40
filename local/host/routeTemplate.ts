/**
 * HTTP trigger route templates in the ASP.NET style the Functions host uses: literal segments
 * (case-insensitive), `{name}`, optional `{name?}`, constrained `{name:int}` and catch-all
 * `{*name}`. Matching yields the route parameters the function sees as `request.params`.
 */

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'parameter'; name: string; optional: boolean; constraint?: string }
  | { kind: 'catchAll'; name: string };

export interface RouteTemplate {
  template: string;
  segments: Segment[];
  /** Lower sorts first: literal segments beat parameters, parameters beat catch-alls. */
  rank: number[];
}

const constraints: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  alpha: /^[a-z]+$/i,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$/i,
};

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const segments: Segment[] = trimmed === '' ? [] : trimmed.split('/').map(parseSegment(template));
  const rank = segments.map((segment) => {
    if (segment.kind === 'literal') return 0;
    if (segment.kind === 'catchAll') return 4;
    if (segment.optional) return 3;
    return segment.constraint ? 1 : 2;
  });
  return { template, segments, rank };
}

function parseSegment(template: string): (text: string) => Segment {
  return (text) => {
    const parameter = /^\{(\*?)([A-Za-z_][\w]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(text);
    if (!parameter) {
      if (text.includes('{') || text.includes('}')) {
        throw new Error(`Route "${template}": segment "${text}" mixes text and parameters.`);
      }
      return { kind: 'literal', text };
    }
    const [, star, name, constraint, optional] = parameter;
    if (star) return { kind: 'catchAll', name };
    return { kind: 'parameter', name, optional: optional === '?', constraint };
  };
}

/** Route parameters when `pathSegments` (already URL-decoded) match, otherwise undefined. */
export function matchRoute(
  route: RouteTemplate,
  pathSegments: string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const { segments } = route;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const value = pathSegments[i];
    if (segment.kind === 'catchAll') {
      if (pathSegments.length > i) params[segment.name] = pathSegments.slice(i).join('/');
      return params;
    }
    if (value === undefined) {
      const restOptional = segments
        .slice(i)
        .every((s) => s.kind === 'catchAll' || (s.kind === 'parameter' && s.optional));
      return restOptional ? params : undefined;
    }
    if (segment.kind === 'literal') {
      if (segment.text.toLowerCase() !== value.toLowerCase()) return undefined;
    } else {
      const check = segment.constraint ? constraints[segment.constraint.toLowerCase()] : undefined;
      if (check && !check.test(value)) return undefined;
      params[segment.name] = value;
    }
  }
  return pathSegments.length === segments.length ? params : undefined;
}

export function compareRoutes(a: RouteTemplate, b: RouteTemplate): number {
  for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
    const difference = (a.rank[i] ?? -1) - (b.rank[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
