import type { AppConfig } from '../config/AppConfig';
import { loadConfig } from '../config/loadConfig';

let loaded: AppConfig | undefined;

/**
 * The app's configuration, validated on first use. Every function module calls this when it is
 * loaded, so bad settings stop the app at start-up with a message naming them.
 */
export function appConfig(): AppConfig {
  loaded ??= loadConfig(process.env);
  return loaded;
}
