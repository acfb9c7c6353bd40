import type { AppConfig } from '../config/AppConfig';
import { loadConfig } from '../config/loadConfig';
import { startTelemetry } from '../telemetry/startTelemetry';

let loaded: AppConfig | undefined;

/**
 * The app's configuration, validated on first use. Every function module calls this when it is
 * loaded, so bad settings stop the app at start-up with a message naming them. Telemetry starts
 * here too (when configured), before any function runs.
 */
export function appConfig(): AppConfig {
  if (!loaded) {
    loaded = loadConfig(process.env);
    startTelemetry(loaded);
  }
  return loaded;
}
