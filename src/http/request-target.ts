// How a Rails-based server (GitLab, GitLab CI) reads a request target: repeated slashes in the path count
// as one. Clients that join a base URL ending in "/" with "/api/..." send "//api/..." (real runners do).
// Shared by the embedded servers (the reference server, the fake GitLab).

/** The request target as a URL (path and query); undefined when it cannot be read. */
export function requestTarget(raw: string): URL | undefined {
  const query = raw.indexOf('?');
  const path = query < 0 ? raw : raw.slice(0, query);
  const rest = query < 0 ? '' : raw.slice(query);
  try {
    // Only an origin-form target ("/...") is a path; "//x" would otherwise be read as a host.
    return new URL(`${path.startsWith('/') ? path.replace(/\/{2,}/g, '/') : path}${rest}`, 'http://request-target.invalid');
  } catch {
    return undefined;
  }
}
