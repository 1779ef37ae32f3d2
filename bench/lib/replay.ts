// The floor: the requests a run sent (recorded at the proxy), replayed in the order they arrived by a
// plain keep-alive HTTP client, `concurrency` at a time, against a fresh server. Ids and tokens the
// recorded server handed out are mapped to the ones the fresh server hands out, and a request that uses
// such a value waits until the replayed request that produced it has been answered (as the run had to).
import http from 'node:http';
import type { Recorded } from './proxy';
import { now } from './proxy';

type Kind = 'project' | 'runner' | 'build' | 'commit';

interface Produced {
  tokens: string[];
  ids: Array<[Kind, number]>;
}

export interface ReplayResult {
  wallMs: number;
  requests: number;
  /** Share of replayed answers with the recorded status (how faithful the replay was). */
  sameStatus: number;
  /** A few requests whose replayed status differed (method, path, recorded -> replayed). */
  differed: string[];
}

const TOKEN = /[A-Za-z0-9]{16,}/g;

function route(url: string): { method?: string; path: string } {
  return { path: url.split('?')[0].replace(/^\/api\/v1/, '').replace(/\.json$/, '') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Every `token` string anywhere in a JSON value. */
function tokensIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) tokensIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'token' && typeof v === 'string') out.push(v);
      else tokensIn(v, out);
    }
  }
  return out;
}

/** What an answer created that later requests may name. */
function produced(r: Recorded): Produced {
  const body = parseJson(r.responseBody) as Record<string, unknown> | undefined;
  const out: Produced = { tokens: r.status < 300 ? tokensIn(body) : [], ids: [] };
  if (r.status >= 300 || !body || typeof body !== 'object') return out;
  const { path } = route(r.url);
  const id = typeof body.id === 'number' ? body.id : undefined;
  if (r.method === 'POST' && (path === '/projects' || path === '/forks') && id) out.ids.push(['project', id]);
  if (r.method === 'POST' && path === '/runners/register' && id) out.ids.push(['runner', id]);
  if (r.method === 'POST' && path === '/builds/register' && id) out.ids.push(['build', id]);
  if (r.method === 'POST' && path === '/commits' && id) {
    out.ids.push(['commit', id]);
    for (const b of (body.builds as Array<{ id?: unknown }> | undefined) ?? []) if (typeof b.id === 'number') out.ids.push(['build', b.id]);
  }
  return out;
}

/** The ids of each kind a request names (path segments, project_id outside /forks). */
function idsUsed(r: Recorded): Array<[Kind, number]> {
  const { path } = route(r.url);
  const out: Array<[Kind, number]> = [];
  const p = /^\/projects\/(\d+)(?:\/runners\/(\d+))?/.exec(path);
  if (p) {
    out.push(['project', Number(p[1])]);
    if (p[2]) out.push(['runner', Number(p[2])]);
  }
  const b = /^\/builds\/(\d+)/.exec(path);
  if (b) out.push(['build', Number(b[1])]);
  if (path !== '/forks') {
    const q = /[?&]project_id=(\d+)/.exec(r.url);
    if (q) out.push(['project', Number(q[1])]);
    const f = /"project_id":(\d+)|(?:^|&)project_id=(\d+)/.exec(r.body);
    if (f) out.push(['project', Number(f[1] ?? f[2])]);
  }
  return out;
}

/** Which recorded request produced each token and id, and so which earlier requests each one waits for. */
function dependencies(order: Recorded[]): { deps: number[][]; producedBy: Produced[] } {
  const tokenProducer = new Map<string, number>();
  const idProducer = new Map<string, number>();
  const producedBy = order.map(produced);
  const deps = order.map((r, i) => {
    const mine = new Set<number>();
    for (const t of `${r.url} ${r.body}`.match(TOKEN) ?? []) {
      const j = tokenProducer.get(t);
      if (j !== undefined) mine.add(j);
    }
    for (const [kind, id] of idsUsed(r)) {
      const j = idProducer.get(`${kind}:${id}`);
      if (j !== undefined) mine.add(j);
    }
    for (const t of producedBy[i].tokens) if (!tokenProducer.has(t)) tokenProducer.set(t, i);
    for (const [kind, id] of producedBy[i].ids) if (!idProducer.has(`${kind}:${id}`)) idProducer.set(`${kind}:${id}`, i);
    return [...mine];
  });
  return { deps, producedBy };
}

/** What the fresh server handed out in place of each recorded token and id. */
class Substitutions {
  readonly tokens = new Map<string, string>();
  readonly ids = new Map<string, number>();

  constructor(private readonly literal: Array<[string, string]>) {}

  /** Notes what the replayed answer produced in place of what the recorded one did. */
  learn(theirs: Produced, mine: Produced): void {
    theirs.tokens.forEach((t, k) => mine.tokens[k] !== undefined && this.tokens.set(t, mine.tokens[k]));
    theirs.ids.forEach(([kind, id], k) => mine.ids[k] !== undefined && this.ids.set(`${kind}:${id}`, mine.ids[k][1]));
  }

  /** The recorded request's URL and body with the fresh server's values. */
  apply(r: Recorded): { url: string; body: string } {
    const mapId = (kind: Kind, id: string) => String(this.ids.get(`${kind}:${id}`) ?? id);
    const tokens = (s: string) => this.literal.reduce((text, [from, to]) => text.split(from).join(to), s).replace(TOKEN, (t) => this.tokens.get(t) ?? t);
    let url = tokens(r.url);
    let body = tokens(r.body);
    url = url
      .replace(/(\/projects\/)(\d+)(\/runners\/)(\d+)/, (_, a, p, b, q) => `${a}${mapId('project', p)}${b}${mapId('runner', q)}`)
      .replace(/(\/projects\/)(\d+)(?=[/.?]|$)/, (_, a, p) => `${a}${mapId('project', p)}`)
      .replace(/(\/builds\/)(\d+)/, (_, a, b) => `${a}${mapId('build', b)}`);
    if (!/\/forks(\.json)?(\?|$)/.test(url)) {
      url = url.replace(/([?&]project_id=)(\d+)/, (_, a, p) => `${a}${mapId('project', p)}`);
      body = body.replace(/("project_id":)(\d+)|((?:^|&)project_id=)(\d+)/, (_, a, p, c, q) => (a ? `${a}${mapId('project', p)}` : `${c}${mapId('project', q)}`));
    }
    return { url, body };
  }
}

function send(target: URL, agent: http.Agent, r: Recorded, { url, body }: { url: string; body: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...r.headers };
    if (body.length) headers['content-length'] = Buffer.byteLength(body);
    const request = http.request({ hostname: target.hostname, port: target.port, method: r.method, path: url, headers, agent }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (c: Buffer) => parts.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * `substitutions`: literal strings to replace in every URL and body first (e.g. the recorded fake
 * GitLab's URL, which user-token requests carry, by the fresh one).
 */
export async function replay(recorded: Recorded[], targetUrl: string, concurrency: number, substitutions: Array<[string, string]> = []): Promise<ReplayResult> {
  const target = new URL(targetUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const order = [...recorded].sort((a, b) => a.t0 - b.t0);
  const { deps, producedBy } = dependencies(order);
  const fresh = new Substitutions(substitutions);
  const done: Array<Promise<void>> = [];
  const resolvers: Array<() => void> = [];
  order.forEach((_, i) => done.push(new Promise<void>((resolve) => (resolvers[i] = resolve))));

  let next = 0;
  let same = 0;
  const differed: string[] = [];
  const started = now();
  const worker = async () => {
    for (let i = next++; i < order.length; i = next++) {
      await Promise.all(deps[i].map((j) => done[j]));
      const r = order[i];
      try {
        const answer = await send(target, agent, r, fresh.apply(r));
        if (answer.status === r.status) same += 1;
        else if (differed.length < 12) differed.push(`${r.method} ${r.url.split('?')[0]}: ${r.status} -> ${answer.status}`);
        fresh.learn(producedBy[i], produced({ ...r, status: answer.status, responseBody: answer.body }));
      } catch {
        // counted as a different status
      } finally {
        resolvers[i]();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = now() - started;
  agent.destroy();
  return { wallMs, requests: order.length, sameStatus: order.length ? same / order.length : 1, differed };
}
