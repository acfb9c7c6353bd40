import { redact } from '../log/redact';

/**
 * The redaction every item passes on its way to Application Insights, ours and auto-collected
 * alike: query strings come off every URL (a SAS lives there, and so does a function key), the
 * log redaction masks signatures, account keys and connection-string secrets anywhere in a text,
 * the values registered as secrets at start (the storage account key, the connection string) are
 * masked wherever they appear, and attributes named like a secret are dropped to a mask.
 */

const mask = 'REDACTED';

/** Attribute names that only ever hold a secret. */
const secretNames = new RegExp(
  '^(sig|sas|sastoken|sas_token|accountkey|account_key|connectionstring|connection_string|' +
    'password|secret|authorization|token|access_token|x-ms-client-principal)$',
  'i',
);

/** Attributes that are a URL query on their own. */
const queryNames = /^(url\.query|http\.query)$/i;
/** Attributes that hold one URL or request target: everything from `?` or `#` goes. */
const urlNames = /^(url\.full|url\.original|http\.url|http\.target|url\.path)$/i;

/**
 * A URL's query and fragment, up to the next blank, quote or angle bracket. The path may hold
 * single quotes (table URLs do: `t(PartitionKey='x')`).
 */
const urlQuery = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"<>]*)[?#][^\s"'<>]*/gi;
/** A request target (`/path?x=y`) as some HTTP attributes carry it. */
const pathQuery = /^(\/[^\s?#]*)[?#].*$/s;

let registeredSecrets: readonly string[] = [];

/** Values to mask wherever they appear; short values are ignored (they would mask too much). */
export function registerTelemetrySecrets(values: readonly (string | undefined)[]): void {
  const strong = values.filter((v): v is string => typeof v === 'string' && v.length >= 12);
  registeredSecrets = [...new Set([...registeredSecrets, ...strong])];
}

export function redactTelemetryText(text: string): string {
  let result = redact(text.replace(urlQuery, '$1').replace(pathQuery, '$1'));
  for (const secret of registeredSecrets) result = result.split(secret).join(mask);
  // A key may also travel base64url-encoded or URL-encoded.
  for (const secret of registeredSecrets) {
    result = result.split(encodeURIComponent(secret)).join(mask);
  }
  return result;
}

/** Redacts one attribute value by its name; returns undefined when the attribute must go. */
export function redactAttribute(name: string, value: unknown): unknown {
  if (secretNames.test(name)) return mask;
  if (queryNames.test(name)) return undefined;
  if (typeof value === 'string' && urlNames.test(name)) {
    return redactTelemetryText(value.replace(/[?#].*$/s, ''));
  }
  if (typeof value === 'string') return redactTelemetryText(value);
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      typeof item === 'string' ? redactTelemetryText(item) : item,
    );
  }
  return value;
}

/** Redacts a mutable attribute bag in place (span and log record attributes). */
export function redactAttributesInPlace(attributes: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(attributes)) {
    const redacted = redactAttribute(name, value);
    if (redacted === undefined) delete attributes[name];
    else if (redacted !== value) attributes[name] = redacted;
  }
}
