/**
 * Serves HTTP-triggered functions under the route prefix (`/api` unless host.json says otherwise):
 * route and method matching, function-key authorization, a request body limit, and conversion to
 * and from the worker's `RpcHttpData` so that `@azure/functions` builds the request and response.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { RegisteredFunction } from './appLoader';
import type { RpcHttpCookie, RpcHttpData, RpcParameterBinding, RpcTypedData } from './coreTypes';
import type { HostLog } from './hostLog';
import { flattenHeaders, presentedKey, readBody, sendEmpty } from './httpUtil';
import type { Invoker } from './invoker';
import { compareRoutes, matchRoute, parseRouteTemplate, RouteTemplate } from './routeTemplate';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HttpRoute {
  fn: RegisteredFunction;
  route: RouteTemplate;
  methods: string[] | undefined;
  authLevel: AuthLevel;
}

export interface HttpTriggerSettings {
  functionKey: string;
  masterKey: string;
  maxRequestBodyBytes: number;
  invoker: Invoker;
  extraInputs: (fn: RegisteredFunction) => RpcParameterBinding[];
  log: HostLog;
}

export function httpRoutes(functions: RegisteredFunction[]): HttpRoute[] {
  return functions
    .filter((fn) => fn.triggerType === 'httptrigger')
    .map((fn) => {
      const methods = Array.isArray(fn.trigger.methods)
        ? (fn.trigger.methods as unknown[]).map((m) => String(m).toUpperCase())
        : undefined;
      const authLevel = String(fn.trigger.authLevel ?? 'anonymous').toLowerCase() as AuthLevel;
      const template = typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
      return { fn, route: parseRouteTemplate(template), methods, authLevel };
    })
    .sort((a, b) => compareRoutes(a.route, b.route));
}

export async function serveHttpTrigger(
  routes: HttpRoute[],
  settings: HttpTriggerSettings,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  routePath: string,
): Promise<void> {
  let segments: string[];
  try {
    segments = routePath
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return sendEmpty(response, 400);
  }
  const method = (request.method ?? 'GET').toUpperCase();
  let found: { route: HttpRoute; params: Record<string, string> } | undefined;
  for (const route of routes) {
    if (route.methods && !route.methods.includes(method)) continue;
    const params = matchRoute(route.route, segments);
    if (params) {
      found = { route, params };
      break;
    }
  }
  if (!found) return sendEmpty(response, 404);
  const { route, params } = found;

  if (!isAuthorized(route.authLevel, presentedKey(request, url), settings)) {
    return sendEmpty(response, 401);
  }
  const body = await readBody(request, settings.maxRequestBodyBytes);
  if (!body.ok) {
    response.setHeader('connection', 'close');
    return sendEmpty(response, 413);
  }

  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) if (!(name in query)) query[name] = value;
  const http: RpcHttpData = {
    method,
    url: url.href,
    headers: flattenHeaders(request),
    query,
    params,
    body: body.body.length > 0 ? { bytes: body.body } : undefined,
  };
  const inputData: RpcParameterBinding[] = [
    { name: route.fn.triggerName, data: { http } },
    ...settings.extraInputs(route.fn),
  ];
  const outcome = await settings.invoker.invoke(route.fn, { inputData });
  if (!outcome.ok) {
    settings.log('error', `Executed '${route.fn.name}' (Failed): ${describeError(outcome.error)}`, {
      functionName: route.fn.name,
      invocationId: outcome.invocationId,
    });
    return sendEmpty(response, 500);
  }
  const returned = outcome.response.returnValue?.http;
  // Unverified against the real host: a handler that returns nothing answers 204 here.
  if (!returned) return sendEmpty(response, 204);
  writeRpcHttpResponse(response, returned);
}

function isAuthorized(level: AuthLevel, key: string | undefined, settings: HttpTriggerSettings) {
  if (level === 'anonymous') return true;
  if (key === settings.masterKey) return true;
  return level === 'function' && key === settings.functionKey;
}

function writeRpcHttpResponse(response: ServerResponse, http: RpcHttpData): void {
  const body = typedDataToBuffer(http.body);
  for (const [name, value] of Object.entries(http.headers ?? {})) response.setHeader(name, value);
  const cookies = (http.cookies ?? []).map(formatCookie);
  if (cookies.length > 0) response.setHeader('set-cookie', cookies);
  response.setHeader('content-length', String(body.length));
  response.statusCode = Number(http.statusCode ?? 200);
  response.end(body);
}

export function typedDataToBuffer(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  if (typeof data.int === 'number') return Buffer.from(String(data.int));
  if (typeof data.double === 'number') return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

const sameSiteNames: Record<string, string> = {
  lax: 'Lax',
  strict: 'Strict',
  explicitNone: 'None',
};

function formatCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires?.seconds !== undefined && expires.seconds !== null) {
    parts.push(`Expires=${new Date(Number(expires.seconds) * 1000).toUTCString()}`);
  }
  if (cookie.maxAge?.value !== undefined && cookie.maxAge.value !== null) {
    parts.push(`Max-Age=${cookie.maxAge.value}`);
  }
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = sameSiteNames[cookie.sameSite ?? ''];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
