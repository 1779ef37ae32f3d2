// `npm run bench`: how long a certification takes on this machine, and where the time goes.
//
//   1. the full `run` against the embedded default (median of BENCH_RUNS, default 5), after one run on
//      a cold Jest/ts-jest cache (what a fresh clone or CI job sees first);
//   2. the same against a reference stack started here, behind a loopback proxy that holds every
//      response back 0, 20 and 50 ms (median of BENCH_LATENCY_RUNS, default 3);
//   3. the floor: the requests the 0 ms run sent, replayed by a plain keep-alive client at the same
//      concurrency against a fresh stack (direct, and behind the 50 ms proxy);
//   4. where the time goes, from the probe (bench/probe.cjs) and the suites' timing log.
//
// Prints a table and writes bench/results/latest.json (and bench/results/$BENCH_LABEL.json if set).
// Options (environment): BENCH_RUNS, BENCH_LATENCY_RUNS, BENCH_DELAYS (default "20,50"),
// BENCH_CONCURRENCY (passed as --concurrency; default: the product's default), BENCH_LABEL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, type CliRun, type TimingEvent } from './lib/cli';
import { now, startDelayProxy, type Recorded } from './lib/proxy';
import { replay } from './lib/replay';

type Stack = Awaited<ReturnType<(typeof import('../src/server'))['startReferenceStack']>>;

const dist = (module: string) => path.join(ROOT, 'dist', module);
if (!fs.existsSync(dist('server/index.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run build` first (npm run bench does)\n');
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startReferenceStack } = require(dist('server')) as typeof import('../src/server');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEFAULTS } = require(dist('config/run-config')) as typeof import('../src/config/run-config');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 3);
const DELAYS = (process.env.BENCH_DELAYS ?? '20,50').split(',').map(Number).filter((n) => n > 0);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? DEFAULTS.concurrency);
const CONCURRENCY_ARGS = process.env.BENCH_CONCURRENCY ? ['--concurrency', String(CONCURRENCY)] : [];
const REGISTRATION_TOKEN = 'bench-registration-token-0123456789';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (n: number, digits = 0) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Where the time of one run went, in ms (see README). */
interface Phases {
  /** spawn -> first request to the CI server: node, the CLI's modules, the spec, the embedded stack. */
  boot: number;
  /** first request -> the last request before the first suite file started: reachability, GitLab discovery. */
  discovery: number;
  /** -> first suite file's session: Jest start-up (the suites run as compiled: nothing is transformed). */
  jestStart: number;
  /** first suite file's session -> last file's clean-up done (the files run side by side, in one Jest file). */
  suites: number;
  /** of which: the files' afterAll clean-up of shared state. */
  fileCleanup: number;
  /** of suites: time some check request was in flight / only set-up / only clean-up / no request. */
  inFlight: { check: number; setup: number; cleanup: number; none: number };
  /** suites end -> the Pact verification's last request (it runs beside the suites: what outlasts them). */
  pact: number;
  /** -> process exit: sweep, reports, stopping the embedded stack. */
  tail: number;
  requestsByPurpose: { check: number; setup: number; cleanup: number; outsideSuites: number };
}

/** Time covered by intervals, by the first category (in priority order) in flight at each moment. */
function attribute(spans: Array<{ t0: number; t1: number; cat: string }>, from: number, to: number, cats: string[]): Record<string, number> {
  const points = [...new Set([from, to, ...spans.flatMap((s) => [s.t0, s.t1])])].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const out: Record<string, number> = Object.fromEntries([...cats, 'none'].map((c) => [c, 0]));
  const sorted = [...spans].sort((a, b) => a.t0 - b.t0);
  let k = 0;
  const active: typeof spans = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    while (k < sorted.length && sorted[k].t0 <= a) active.push(sorted[k++]);
    for (let j = active.length - 1; j >= 0; j -= 1) if (active[j].t1 <= a) active.splice(j, 1);
    const cat = cats.find((c) => active.some((s) => s.cat === c)) ?? 'none';
    out[cat] += b - a;
  }
  return out;
}

function phasesOf(run: CliRun, ciSpans: Array<[number, number]>, ignoredPorts: string[]): Phases | undefined {
  const sessions = run.timing.filter((e): e is Extract<TimingEvent, { e: 'session' }> => e.e === 'session');
  const closes = run.timing.filter((e): e is Extract<TimingEvent, { e: 'closed' }> => e.e === 'closed');
  const requests = run.timing.filter((e): e is Extract<TimingEvent, { e: 'request' }> => e.e === 'request');
  if (!sessions.length || !closes.length || !ciSpans.length) return undefined;
  const firstSession = Math.min(...sessions.map((s) => s.t));
  const lastClosed = Math.max(...closes.map((c) => c.t1));
  const firstRequest = Math.min(...ciSpans.map(([t0]) => t0));
  const before = ciSpans.filter(([, t1]) => t1 < firstSession).map(([, t1]) => t1);
  const lastBefore = before.length ? Math.max(...before) : firstRequest;
  // Pact: the verification's own servers (recorder proxy, state server) live in the run's process.
  const pactSpans = Object.entries(run.probe?.servers ?? {})
    .filter(([port]) => !ignoredPorts.includes(port))
    .flatMap(([, e]) => e.spans ?? [])
    .filter(([t0]) => t0 >= lastClosed);
  const pactEnd = pactSpans.length ? Math.max(...pactSpans.map(([, t1]) => t1)) : lastClosed;
  const inFlight = attribute(
    requests.map((r) => ({ t0: r.t0, t1: r.t1, cat: r.purpose })),
    firstSession,
    lastClosed,
    ['check', 'setup', 'cleanup'],
  );
  const count = (p: string) => requests.filter((r) => r.purpose === p).length;
  return {
    boot: firstRequest - run.spawnedAt,
    discovery: lastBefore - firstRequest,
    jestStart: firstSession - lastBefore,
    suites: lastClosed - firstSession,
    fileCleanup: closes.reduce((n, c) => n + (c.t1 - c.t0), 0),
    inFlight: { check: inFlight.check, setup: inFlight.setup, cleanup: inFlight.cleanup, none: inFlight.none },
    pact: pactEnd - lastClosed,
    tail: run.closedAt - pactEnd,
    requestsByPurpose: { check: count('check'), setup: count('setup'), cleanup: count('cleanup'), outsideSuites: ciSpans.length - requests.length },
  };
}

function medianPhases(all: Array<Phases | undefined>): Phases | undefined {
  const ps = all.filter((p): p is Phases => p !== undefined);
  if (!ps.length) return undefined;
  const m = (f: (p: Phases) => number) => round(median(ps.map(f)));
  return {
    boot: m((p) => p.boot),
    discovery: m((p) => p.discovery),
    jestStart: m((p) => p.jestStart),
    suites: m((p) => p.suites),
    fileCleanup: m((p) => p.fileCleanup),
    inFlight: { check: m((p) => p.inFlight.check), setup: m((p) => p.inFlight.setup), cleanup: m((p) => p.inFlight.cleanup), none: m((p) => p.inFlight.none) },
    pact: m((p) => p.pact),
    tail: m((p) => p.tail),
    requestsByPurpose: {
      check: m((p) => p.requestsByPurpose.check),
      setup: m((p) => p.requestsByPurpose.setup),
      cleanup: m((p) => p.requestsByPurpose.cleanup),
      outsideSuites: m((p) => p.requestsByPurpose.outsideSuites),
    },
  };
}

function assertPassed(run: CliRun, what: string): void {
  if (run.code !== 0 || !run.report) {
    const failed = run.report?.checks.filter((c) => c.status === 'failed').slice(0, 5).map((c) => `${c.id}: ${c.reason}`) ?? [];
    throw new Error(`${what}: exit code ${run.code}\n${run.stderr.slice(-2000)}\n${failed.join('\n')}`);
  }
}

const checksOf = (run: CliRun) => (run.report ? run.report.summary.passed + run.report.summary.failed : 0);

async function embeddedRun(env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(CONCURRENCY_ARGS, env);
  assertPassed(run, 'embedded run');
  const m = /embedded reference server at http:\/\/127\.0\.0\.1:(\d+) \(fake GitLab at http:\/\/127\.0\.0\.1:(\d+)\)/.exec(run.stderr);
  if (!m || !run.probe) throw new Error(`embedded run: could not find the embedded server's port or the probe output\n${run.stderr}`);
  const [ciPort, gitlabPort] = [m[1], m[2]];
  const ci = run.probe.servers[ciPort];
  return {
    run,
    wallMs: run.wallMs,
    checks: checksOf(run),
    requests: ci?.count ?? 0,
    gitlabRequests: run.probe.servers[gitlabPort]?.count ?? 0,
    maxRssMb: run.probe.maxRssKb / 1024,
    cpuMs: (run.probe.userCpuUs + run.probe.systemCpuUs) / 1000,
    phases: phasesOf(run, ci?.spans ?? [], [ciPort, gitlabPort]),
  };
}

async function withStack<T>(use: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startReferenceStack({ registrationToken: REGISTRATION_TOKEN });
  try {
    return await use(stack);
  } finally {
    await stack.close();
  }
}

async function proxiedRun(delayMs: number, record: boolean) {
  return withStack(async (stack) => {
    const proxy = await startDelayProxy({ target: stack.url, delayMs, record });
    try {
      const run = await runCli([
        ...CONCURRENCY_ARGS,
        '--target', proxy.url,
        '--gitlab-url', stack.gitlabUrl,
        '--private-token', stack.users.maintainer,
        '--developer-token', stack.users.developer,
        '--outsider-token', stack.users.outsider,
        '--registration-token', stack.registrationToken,
      ]);
      assertPassed(run, `run behind the ${delayMs} ms proxy`);
      const spans: Array<[number, number]> = proxy.recorded.map((r) => [r.t0, r.t1]);
      return {
        run,
        wallMs: run.wallMs,
        checks: checksOf(run),
        requests: proxy.count(),
        recorded: proxy.recorded,
        recordedStack: { gitlabUrl: stack.gitlabUrl, registrationToken: stack.registrationToken },
        phases: record ? phasesOf(run, spans, []) : undefined,
      };
    } finally {
      await proxy.close();
    }
  });
}

async function floorRun(recorded: Recorded[], recordedStack: { gitlabUrl: string; registrationToken: string }, delayMs: number) {
  return withStack(async (stack) => {
    const proxy = delayMs > 0 ? await startDelayProxy({ target: stack.url, delayMs }) : undefined;
    try {
      // User-token requests name the trusted GitLab (url=...), encoded in more than one way: its host:port.
      // The fresh stack's own values: its GitLab's host:port (as written, and percent-encoded: the client
      // encodes ':' in a query value) and its runners registration token.
      const [from, to] = [new URL(recordedStack.gitlabUrl).host, new URL(stack.gitlabUrl).host];
      const gitlab: Array<[string, string]> = [
        [from, to],
        [encodeURIComponent(from), encodeURIComponent(to)],
        [recordedStack.registrationToken, stack.registrationToken],
      ];
      return await replay(recorded, proxy?.url ?? stack.url, CONCURRENCY, gitlab);
    } finally {
      await proxy?.close();
    }
  });
}

type Embedded = Awaited<ReturnType<typeof embeddedRun>>;
type Proxied = Awaited<ReturnType<typeof proxiedRun>>;
type Floor = Awaited<ReturnType<typeof floorRun>>;

/** 1. Cold Jest/ts-jest cache (a fresh TMPDIR), then the warm runs. */
async function embeddedRuns(): Promise<{ cold: Embedded; embedded: Embedded[] }> {
  const coldTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-bench-cold-'));
  const cold = await embeddedRun({ TMPDIR: coldTmp });
  fs.rmSync(coldTmp, { recursive: true, force: true });
  log(`  embedded, cold cache: ${(cold.wallMs / 1000).toFixed(2)} s`);
  const embedded: Embedded[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    embedded.push(await embeddedRun());
    log(`  embedded #${i + 1}: ${(embedded[i].wallMs / 1000).toFixed(2)} s, ${embedded[i].checks} checks, ${embedded[i].requests} requests`);
  }
  return { cold, embedded };
}

/** 2. Behind the delaying proxy; the first 0 ms run is recorded for the floor. */
async function latencyRuns(): Promise<Record<number, Proxied[]>> {
  const latency: Record<number, Proxied[]> = {};
  for (const delay of [0, ...DELAYS]) {
    latency[delay] = [];
    for (let i = 0; i < LATENCY_RUNS; i += 1) {
      const r = await proxiedRun(delay, i === 0);
      latency[delay].push(r);
      log(`  +${delay} ms #${i + 1}: ${(r.wallMs / 1000).toFixed(2)} s, ${r.checks} checks, ${r.requests} requests`);
    }
  }
  return latency;
}

/** 3. The floor: the recorded 0 ms run replayed, direct (three times) and behind the largest delay. */
async function floorRuns(recorded: Proxied): Promise<{ floor0: Floor[]; floorDelay: number; floorD: Floor[] }> {
  const floor0: Floor[] = [];
  for (let i = 0; i < 3; i += 1) floor0.push(await floorRun(recorded.recorded, recorded.recordedStack, 0));
  const floorDelay = DELAYS.length ? Math.max(...DELAYS) : 0;
  const floorD = floorDelay ? [await floorRun(recorded.recorded, recorded.recordedStack, floorDelay)] : [];
  log(`  floor: ${(median(floor0.map((f) => f.wallMs)) / 1000).toFixed(2)} s direct, replay fidelity ${(floor0[0].sameStatus * 100).toFixed(1)}% same status`);
  return { floor0, floorDelay, floorD };
}

const wall = (xs: Array<{ wallMs: number }>) => median(xs.map((x) => x.wallMs));

function embeddedFigures({ cold, embedded }: { cold: Embedded; embedded: Embedded[] }) {
  return {
    runs: RUNS,
    wallMs: round(wall(embedded)),
    wallMsEach: embedded.map((e) => round(e.wallMs)),
    coldCacheWallMs: round(cold.wallMs),
    checks: embedded[0].checks,
    requests: round(median(embedded.map((e) => e.requests))),
    gitlabRequestsByServer: round(median(embedded.map((e) => e.gitlabRequests))),
    peakRssMb: round(median(embedded.map((e) => e.maxRssMb))),
    cpuMs: round(median(embedded.map((e) => e.cpuMs))),
    phases: medianPhases(embedded.map((e) => e.phases)),
  };
}

function latencyFigures(latency: Record<number, Proxied[]>, base: number) {
  const proxied0 = wall(latency[0]);
  return Object.fromEntries(
    [0, ...DELAYS].map((d) => [
      `${d}ms`,
      {
        runs: LATENCY_RUNS,
        wallMs: round(wall(latency[d])),
        wallMsEach: latency[d].map((r) => round(r.wallMs)),
        ratioToProxied0: round(wall(latency[d]) / proxied0, 2),
        ratioToEmbedded: round(wall(latency[d]) / base, 2),
        checks: latency[d][0].checks,
        requests: round(median(latency[d].map((r) => r.requests))),
        phases: latency[d][0].phases ?? phasesOf(latency[d][0].run, latency[d][0].recorded.map((r) => [r.t0, r.t1]), []),
      },
    ]),
  );
}

function floorFigures({ floor0, floorDelay, floorD }: Awaited<ReturnType<typeof floorRuns>>, latency: Record<number, Proxied[]>, base: number) {
  const floorWall = median(floor0.map((f) => f.wallMs));
  return {
    requests: latency[0][0].recorded.length,
    concurrency: CONCURRENCY,
    replayFidelity: round(floor0[0].sameStatus, 3),
    wallMs: round(floorWall),
    ratioEmbeddedRunToFloor: round(base / floorWall, 1),
    ratioProxied0RunToFloor: round(wall(latency[0]) / floorWall, 1),
    ...(floorDelay
      ? {
          [`wallMsAt${floorDelay}ms`]: round(floorD[0].wallMs),
          [`ratioRunToFloorAt${floorDelay}ms`]: round(wall(latency[floorDelay]) / floorD[0].wallMs, 2),
        }
      : {}),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const t = now();
  log(`bench: ${os.cpus().length} cpus, node ${process.version}, concurrency ${CONCURRENCY}${CONCURRENCY_ARGS.length ? ' (BENCH_CONCURRENCY)' : ' (default)'}`);
  const embedded = await embeddedRuns();
  const latency = await latencyRuns();
  const floors = await floorRuns(latency[0][0]);
  const base = wall(embedded.embedded);
  const results = {
    startedAt,
    benchMs: round(now() - t),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, platform: `${os.platform()} ${os.release()}` },
    concurrency: CONCURRENCY,
    embedded: embeddedFigures(embedded),
    latency: latencyFigures(latency, base),
    floor: floorFigures(floors, latency, base),
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (process.env.BENCH_LABEL) fs.writeFileSync(path.join(dir, `${process.env.BENCH_LABEL.replace(/[^\w.-]/g, '_')}.json`), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

function printTable(r: {
  embedded: { wallMs: number; coldCacheWallMs: number; checks: number; requests: number; peakRssMb: number; cpuMs: number; phases?: Phases };
  latency: Record<string, { wallMs: number; ratioToProxied0: number; checks: number; requests: number; phases?: Phases }>;
  floor: Record<string, number>;
  concurrency: number;
}): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows: Array<[string, string]> = [
    [`embedded default, wall (median of ${RUNS})`, s(r.embedded.wallMs)],
    ['embedded default, wall on a cold Jest cache', s(r.embedded.coldCacheWallMs)],
    ['checks run', String(r.embedded.checks)],
    ['HTTP requests to the CI server', String(r.embedded.requests)],
    ['peak memory (max RSS)', `${r.embedded.peakRssMb} MB`],
    ['CPU time (user+system)', s(r.embedded.cpuMs)],
  ];
  for (const [delay, l] of Object.entries(r.latency)) {
    rows.push([`behind the proxy +${delay}, wall (median of ${LATENCY_RUNS})`, `${s(l.wallMs)}  (x${l.ratioToProxied0} of +0ms; ${l.checks} checks, ${l.requests} requests)`]);
  }
  rows.push([`floor: replay of ${r.floor.requests} requests at concurrency ${r.concurrency}`, `${s(r.floor.wallMs)}  (run/floor x${r.floor.ratioProxied0RunToFloor} via proxy, x${r.floor.ratioEmbeddedRunToFloor} embedded; fidelity ${(r.floor.replayFidelity * 100).toFixed(1)}%)`]);
  for (const [k, v] of Object.entries(r.floor)) if (/^wallMsAt/.test(k)) rows.push([`floor behind the proxy ${k.replace('wallMsAt', '+')}`, s(v)]);
  for (const [k, v] of Object.entries(r.floor)) if (/^ratioRunToFloorAt/.test(k)) rows.push([`run/floor ${k.replace('ratioRunToFloorAt', 'at +')}`, `x${v}`]);
  const phaseRows = (label: string, p?: Phases) => {
    if (!p) return;
    rows.push([`${label}: where the time goes`, '']);
    rows.push(['  boot: node + CLI + spec + embedded stack', s(p.boot)]);
    rows.push(['  reachability + GitLab discovery', s(p.discovery)]);
    rows.push(['  Jest start-up', s(p.jestStart)]);
    rows.push(['  suites (side by side, in one Jest file)', s(p.suites)]);
    rows.push(['    a check request in flight', s(p.inFlight.check)]);
    rows.push(['    only state set-up in flight', s(p.inFlight.setup)]);
    rows.push(['    only clean-up in flight', s(p.inFlight.cleanup)]);
    rows.push(['    no request in flight (CPU: Jest, validation)', s(p.inFlight.none)]);
    rows.push(['    (files\' afterAll clean-up)', s(p.fileCleanup)]);
    rows.push(['  Pact provider verification, beyond the suites', s(p.pact)]);
    rows.push(['  sweep, reports, stop', s(p.tail)]);
    rows.push(['  requests: check / set-up / clean-up / outside suites', `${p.requestsByPurpose.check} / ${p.requestsByPurpose.setup} / ${p.requestsByPurpose.cleanup} / ${p.requestsByPurpose.outsideSuites}`]);
  };
  phaseRows('embedded default', r.embedded.phases);
  const slowest = Object.keys(r.latency).at(-1);
  if (slowest && slowest !== '0ms') phaseRows(`behind the proxy +${slowest}`, r.latency[slowest].phases);
  const width = Math.max(...rows.map(([a]) => a.length));
  process.stdout.write(`\n${rows.map(([a, b]) => `${a.padEnd(width)}  ${b}`).join('\n')}\n\nwritten to bench/results/latest.json\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
