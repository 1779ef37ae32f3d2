// application/x-www-form-urlencoded with Rails-style brackets for nested data (data[commits][0][id]),
// which is how GitLab and the Ruby runner send nested parameters.
export function encodeForm(value: unknown): string {
  const pairs: string[] = [];
  const visit = (key: string, v: unknown): void => {
    if (v === undefined) return;
    if (Array.isArray(v)) v.forEach((item, i) => visit(`${key}[${i}]`, item));
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) visit(key ? `${key}[${k}]` : k, inner);
    } else pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(v === null ? '' : String(v))}`);
  };
  visit('', value);
  return pairs.join('&');
}
