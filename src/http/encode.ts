// The one encoder of names and values into URLs (the query) and form bodies: every byte of the UTF-8
// encoding is percent-encoded (upper-case hex) except the unreserved characters of RFC 3986
// (A-Z a-z 0-9 - . _ ~); a space is %20, never +. Pairs are joined by & in the order given. A query or
// body that must be sent some other way (bytes that are not UTF-8, a stray %) is given pre-encoded
// (ApiRequest.rawQuery, ApiRequest.rawBody) and sent verbatim.

export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** name=value pairs, undefined values left out. */
export function encodeQuery(query: Record<string, string | number | undefined>): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(String(value))}`)
    .join('&');
}

/**
 * application/x-www-form-urlencoded with Rails-style brackets for nested data (data[commits][0][id]),
 * which is how GitLab and the Ruby runner send nested parameters; null is sent as an empty value.
 */
export function encodeForm(value: unknown): string {
  const pairs: string[] = [];
  const visit = (key: string, v: unknown): void => {
    if (v === undefined) return;
    if (Array.isArray(v)) v.forEach((item, i) => visit(`${key}[${i}]`, item));
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) visit(key ? `${key}[${k}]` : k, inner);
    } else pairs.push(`${percentEncode(key)}=${percentEncode(v === null ? '' : String(v))}`);
  };
  visit('', value);
  return pairs.join('&');
}
