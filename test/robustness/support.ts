// Test support for the robustness tests: a reference stack in this process, a fault-injecting proxy in
// front of it on 127.0.0.1 (port 0), and the built CLI run in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { startReferenceStack, type RunningReferenceStack } from '../../src/server';
import { ROOT, tempDir, type CliResult } from '../run/helpers';

export { startReferenceStack, type RunningReferenceStack };

export interface SeenRequest {
  n: number;
  method: string;
  /** Path below /api/v1, without the query (".json" kept). */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Whether its whole answer was written back (false while in flight, and for good when the target died first). */
  answered: boolean;
}

/** What the proxy does with one request instead of forwarding it untouched. */
export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'not-json' }
  | { kind: 'status'; status: number };

export interface FaultyTargetOptions {
  upstream: string;
  fault?: (request: SeenRequest) => Fault | undefined;
  /** Puts the request's tokens into every response (a header, the body, error messages). */
  echoTokens?: boolean;
}

export interface FaultyTarget {
  url: string;
  /** Requests received so far. */
  requests: SeenRequest[];
  maxInFlight: number;
  /** Every `token` a response handed out (project and runner tokens): secrets too. */
  tokensHandedOut: Set<string>;
  /** Resolves when `count` requests have been received. */
  seen(count: number): Promise<void>;
  /** The target dies: open connections are cut, new ones refused. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startFaultyTarget(options: FaultyTargetOptions): Promise<FaultyTarget> {
  const upstream = new URL(options.upstream);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const counter = inFlightCounter();
  const target: FaultyTarget = {
    url: '',
    requests: [],
    maxInFlight: 0,
    tokensHandedOut: new Set(),
    seen: (count) => new Promise((resolve) => (target.requests.length >= count ? resolve() : waiters.push({ count, resolve }))),
    kill: () => close(),
    close: () => close(),
  };

  const server = http.createServer((req, res) => {
    target.maxInFlight = Math.max(target.maxInFlight, counter.arrived(res));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = seenRequest(target.requests.length + 1, req, Buffer.concat(chunks));
      res.on('finish', () => (seen.answered = true));
      target.requests.push(seen);
      for (const w of waiters.filter((x) => target.requests.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      void handle(options, target, seen, req, res, (request, body) => forward(upstream, agent, request, body));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      agent.destroy();
    });
    return closing;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return target;
}

/**
 * Requests in flight at the proxy (`arrived` answers how many, the new one included): from their arrival
 * until the answer's last byte is handed over (or the exchange is cut). Not until the 'close' event after
 * it: the client may have read the answer and sent its next request before that event is handled.
 */
function inFlightCounter(): { arrived(res: http.ServerResponse): number } {
  let inFlight = 0;
  return {
    arrived(res) {
      inFlight += 1;
      let done = false;
      const finished = () => {
        if (!done) inFlight -= 1;
        done = true;
      };
      res.on('close', finished);
      const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
      res.end = ((...args: unknown[]) => (finished(), end(...args))) as typeof res.end;
      return inFlight;
    },
  };
}

function seenRequest(n: number, req: http.IncomingMessage, body: Buffer): SeenRequest {
  const url = new URL(req.url ?? '/', 'http://x');
  return { n, method: req.method ?? 'GET', path: url.pathname.replace(/^\/api\/v1/, ''), query: url.searchParams, headers: req.headers, body, answered: false };
}

type Upstream = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** Answers one request: the fault, if any, or the upstream answer (with the request's tokens echoed, if asked). */
async function handle(
  options: FaultyTargetOptions,
  target: FaultyTarget,
  seen: SeenRequest,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  forwardTo: (req: http.IncomingMessage, body: Buffer) => Promise<Upstream>,
): Promise<void> {
  const fault = options.fault?.(seen);
  if (fault?.kind === 'reset') return void req.socket.destroy();
  if (fault?.kind === 'not-json') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return void res.end('<html><body>Service temporarily replaced by a maintenance page</body></html>');
  }
  if (fault?.kind === 'status') {
    res.writeHead(fault.status, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ message: `${fault.status} injected by the fault proxy` }));
  }
  if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
  let answer: Upstream;
  try {
    answer = await forwardTo(req, seen.body);
  } catch (error) {
    if (!res.destroyed) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fault proxy: ${(error as Error).message}` }));
    }
    return;
  }
  const json = parse(answer.body);
  collectTokens(json, target.tokensHandedOut);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  let body = answer.body;
  if (options.echoTokens) {
    const tokens = tokensOf(seen);
    // A header carries only what HTTP allows: the hostile values of the generated checks are echoed in bodies only.
    const inHeaders = tokens.filter((t) => /^[\x21-\x7e]+$/.test(t));
    if (inHeaders.length) {
      headers['x-echoed-credentials'] = inHeaders.join(' ');
      headers['x-debug'] = `request carried ${inHeaders.join(', ')}`;
    }
    if (tokens.length) {
      body = Buffer.from(echo(json, answer.body, tokens));
    }
  }
  if (res.destroyed) return;
  if (fault?.kind === 'truncate') {
    headers['content-length'] = String(body.length + 100);
    res.writeHead(answer.status, headers);
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    setTimeout(() => req.socket.destroy(), 20);
    return;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(answer.status, headers);
  res.end(body);
}

function forward(upstream: URL, agent: http.Agent, req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise<Upstream>((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host };
    delete headers.connection;
    const out = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (c: Buffer) => parts.push(c));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }));
      answer.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function collectTokens(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => collectTokens(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'token' && typeof v === 'string' && v.length >= 6) into.add(v);
      else collectTokens(v, into);
    }
  }
}

/** Every credential a request carried: query, PRIVATE-TOKEN header, JSON or form body. */
function tokensOf(request: SeenRequest): string[] {
  const found = new Set<string>();
  for (const name of ['private_token', 'token', 'project_token']) {
    const v = request.query.get(name);
    if (v) found.add(v);
  }
  const header = request.headers['private-token'];
  if (typeof header === 'string' && header) found.add(header);
  const text = request.body.toString('utf8');
  const body = (parse(request.body) ?? Object.fromEntries(new URLSearchParams(text))) as Record<string, unknown>;
  if (body && typeof body === 'object') {
    for (const name of ['private_token', 'token', 'project_token']) if (typeof body[name] === 'string' && body[name]) found.add(body[name] as string);
  }
  return [...found];
}

/** The response with the request's tokens in it, as a careless server's debug output would have them. */
function echo(json: unknown, raw: Buffer, tokens: string[]): string {
  const said = `request carried ${tokens.join(', ')}`;
  if (json === undefined) return `${raw.toString('utf8')}\n${said}`;
  if (Array.isArray(json)) return JSON.stringify([...json, { debug: said }]);
  if (json && typeof json === 'object') {
    const object = json as Record<string, unknown>;
    return JSON.stringify({ ...object, debug: said, message: typeof object.message === 'string' ? `${object.message} (${said})` : said });
  }
  return JSON.stringify({ value: json, debug: said });
}

/** The run's options for a target behind `url`, with the stack's credentials. */
export function targetArgs(url: string, stack: RunningReferenceStack, reportDir: string): string[] {
  return [
    '--target', url,
    '--gitlab-url', stack.gitlabUrl,
    '--private-token', stack.users.maintainer,
    '--developer-token', stack.users.developer,
    '--outsider-token', stack.users.outsider,
    '--registration-token', stack.registrationToken,
    '--report-dir', reportDir,
  ];
}

/** What the run left on the stack: CI projects named by a conformance run, and every runner. */
export async function leftovers(stack: RunningReferenceStack): Promise<{ projects: number[]; runners: number[] }> {
  const auth = `private_token=${encodeURIComponent(stack.users.maintainer)}&url=${encodeURIComponent(stack.gitlabUrl)}`;
  const projects = (await (await fetch(`${stack.url}/api/v1/projects?${auth}`)).json()) as Array<{ id: number; name: string }>;
  const runners = (await (await fetch(`${stack.url}/api/v1/runners?${auth}`)).json()) as Array<{ id: number }>;
  // A fork's CI project is named after its GitLab project, with the namespace: "Conformance / conformance-…".
  return { projects: projects.filter((p) => /^(.+ \/ )?conformance-/.test(p.name)).map((p) => p.id), runners: runners.map((r) => r.id) };
}

/** Removes every CI project named by a conformance run and every runner from the stack (between runs of one test). */
export async function removeLeftovers(stack: RunningReferenceStack): Promise<void> {
  const auth = `private_token=${encodeURIComponent(stack.users.maintainer)}&url=${encodeURIComponent(stack.gitlabUrl)}`;
  const { projects } = await leftovers(stack);
  const runners = (await (await fetch(`${stack.url}/api/v1/runners?${auth}`)).json()) as Array<{ token: string }>;
  for (const id of projects) await fetch(`${stack.url}/api/v1/projects/${id}?${auth}`, { method: 'DELETE' });
  for (const { token } of runners) {
    await fetch(`${stack.url}/api/v1/runners/delete`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  }
}

/** A CLI run's exit code with its last lines: an assertion on the code then shows why it was not 0. */
export function exitOf(result: CliResult): { code: number | null; tail: string[] } {
  return { code: result.code, tail: result.stderr.split('\n').slice(-12) };
}

/** exitOf a run that exited 0, whatever its last lines. */
export const EXITED_0 = { code: 0, tail: expect.anything() };

export interface Child {
  process: ChildProcess;
  stderr(): string;
  done: Promise<CliResult>;
}

/** The built CLI in a child process, kept at hand (to send it signals). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Child {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'gitlab-ci-conformance.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, PACT_DO_NOT_TRACK: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
  return { process: child, stderr: () => stderr, done };
}

/** Every file below a directory, with its text. */
export function filesBelow(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    if (entry.isFile()) out.push({ file, text: fs.readFileSync(file, 'latin1') });
  }
  return out;
}

/** A stack trace line, as Node prints them. */
export const STACK_LINE = /^\s+at .+(\(|:\d+:\d+)/m;

export { tempDir };
