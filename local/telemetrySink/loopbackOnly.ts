import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/**
 * True when this process can reach nothing but loopback: every network interface it sees is
 * internal, as inside `unshare -n` with `ip link set lo up`.
 */
export function inLoopbackOnlyNetwork(): boolean {
  return Object.values(networkInterfaces()).every((addresses) =>
    (addresses ?? []).every((address) => address.internal),
  );
}

/** The endpoints a connection string names (ingestion, live metrics, profiler...). */
export function connectionStringEndpoints(connectionString: string): URL[] {
  const endpoints: URL[] = [];
  for (const part of connectionString.split(';')) {
    const [key, ...rest] = part.split('=');
    if (!/Endpoint$/i.test(key.trim())) continue;
    try {
      endpoints.push(new URL(rest.join('=').trim()));
    } catch {
      // Not a URL: the exporter refuses it too.
    }
  }
  return endpoints;
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Whether the sandbox may start the telemetry exporter with this connection string, and if not,
 * why. The exporter reaches outside hosts on its own (Microsoft's SDK statistics, the instance
 * metadata address) whatever the connection string says, so the sandbox runs it only inside a
 * loopback-only network namespace, pointed at a loopback sink; it also turns SDK statistics off.
 */
export function sandboxTelemetryRefusal(env: NodeJS.ProcessEnv): string | undefined {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return undefined;
  const endpoints = connectionStringEndpoints(connectionString);
  if (endpoints.length === 0 || !endpoints.every(isLoopback)) {
    return (
      'APPLICATIONINSIGHTS_CONNECTION_STRING must name loopback endpoints only in the sandbox ' +
      '(IngestionEndpoint=https://127.0.0.1:<port>/;LiveEndpoint=https://127.0.0.1:<port>/), ' +
      'such as the local telemetry sink; nothing the sandbox runs leaves this machine.'
    );
  }
  if (!inLoopbackOnlyNetwork()) {
    return (
      'the telemetry exporter probes outside addresses on its own (SDK statistics, instance ' +
      'metadata), so the sandbox runs it only inside a loopback-only network namespace: ' +
      "unshare -n sh -c 'ip link set lo up && npm run local -- ...'."
    );
  }
  env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
  env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = 'true';
  return undefined;
}
