/**
 * A setting is missing, malformed or contradicts another one. The message names the setting(s)
 * and the accepted form, so an operator can fix the app settings without reading code.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly settings: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
