/**
 * Last line of defence for anything we print: masks SAS signatures, account keys and connection
 * string secrets that may have slipped into a message (for example inside an SDK error that quotes
 * a request URL). Code should never put them there in the first place.
 */
const patterns: readonly [RegExp, string][] = [
  [/([?&]sig=)[^&\s"']+/gi, '$1REDACTED'],
  [/("?sig"?\s*[:=]\s*"?)[A-Za-z0-9%+/=]{8,}/gi, '$1REDACTED'],
  [/(AccountKey=)[^;\s"']+/gi, '$1REDACTED'],
  [/(SharedAccessSignature=)[^;\s"']+/gi, '$1REDACTED'],
  [/("?token"?\s*[:=]\s*"?)[^"\s,}]*sig=[^"\s,}]+/gi, '$1REDACTED'],
  [/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g, '$1REDACTED'],
];

export function redact(text: string): string {
  return patterns.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

/** A message for an error, redacted, without its stack. */
export function describeError(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}
