/**
 * The host's one HTTP server on 127.0.0.1: the durable webhook API, the admin API for running a
 * non-HTTP function, and HTTP triggers under the route prefix. Anything else is 404.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { BusyTracker } from './busyTracker';
import { webhookBasePath } from './durable/clientBinding';
import { serveDurableWebhook, WebhookSettings } from './durable/webhookApi';
import type { HostLog } from './hostLog';
import { describeError, HttpRoute, HttpTriggerSettings, serveHttpTrigger } from './httpTriggers';
import { presentedKey, sendEmpty } from './httpUtil';
import type { TimerTriggers } from './timerTriggers';

export interface HostServerSettings {
  routes: HttpRoute[];
  http: HttpTriggerSettings;
  webhook: WebhookSettings;
  /** `api` by default; an empty prefix serves triggers from the root. */
  routePrefix: string;
  timers: TimerTriggers;
  busy: BusyTracker;
  log: HostLog;
}

export function createHostServer(settings: HostServerSettings): http.Server {
  const prefix = settings.routePrefix === '' ? '/' : `/${settings.routePrefix}/`;
  return http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    const { pathname } = url;
    const handle = async (): Promise<void> => {
      if (pathname === webhookBasePath || pathname.startsWith(`${webhookBasePath}/`)) {
        const subPath = pathname.slice(webhookBasePath.length);
        return serveDurableWebhook(settings.webhook, request, response, url, subPath);
      }
      const admin = /^\/admin\/functions\/([^/]+)$/.exec(pathname);
      if (admin && request.method === 'POST') {
        return runFromAdminApi(settings, request, response, url, decodeURIComponent(admin[1]));
      }
      if (pathname === '/' && request.method === 'GET') return sendEmpty(response, 200);
      if (pathname.startsWith(prefix) || `${pathname}/` === prefix) {
        const routePath = pathname.slice(prefix.length);
        return serveHttpTrigger(settings.routes, settings.http, request, response, url, routePath);
      }
      sendEmpty(response, 404);
    };
    settings.busy.track(handle()).catch((error: unknown) => {
      const what = `${request.method} ${pathname}`;
      settings.log('error', `Request ${what} failed in the host: ${describeError(error)}`);
      if (!response.headersSent) sendEmpty(response, 500);
      else response.destroy();
    });
  });
}

/** Like the Functions host's admin API: master key only, answers 202 and runs the function. */
function runFromAdminApi(
  settings: HostServerSettings,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  url: URL,
  functionName: string,
): void {
  if (presentedKey(request, url) !== settings.http.masterKey) return sendEmpty(response, 401);
  if (!settings.timers.scheduleOf(functionName)) return sendEmpty(response, 404);
  request.resume();
  sendEmpty(response, 202);
  // A failure is logged by the timer runner; the caller already has its 202.
  settings.timers.invoke(functionName).catch(() => undefined);
}

export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
