/** The SAS as the HSM keeps it: the query string without a leading `?`. */
export function normalizeSasToken(token: string): string {
  return token.startsWith('?') ? token.slice(1) : token;
}

/**
 * Why a SAS is refused up front (the service has done so synchronously since late 2022), or
 * undefined when it looks like a SAS. Expiry and permissions are not judged here: storage does
 * that when the job uses the token, exactly as for the real service.
 */
export function sasMalformedReason(token: string): string | undefined {
  if (token.length === 0) {
    return 'the token is empty';
  }
  if (/[\s#]/.test(token)) {
    return 'the token is not a query string';
  }
  let fields: URLSearchParams;
  try {
    fields = new URLSearchParams(token);
  } catch {
    return 'the token is not a query string';
  }
  const expiry = fields.get('se');
  if (expiry === null || expiry === '') {
    return "the token has no expiry field 'se'";
  }
  if (Number.isNaN(Date.parse(expiry))) {
    return "the token's expiry field 'se' is not a date";
  }
  if (!fields.get('sig')) {
    return "the token has no signature field 'sig'";
  }
  return undefined;
}
