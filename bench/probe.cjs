// Preloaded into the CLI process by the bench (`node -r ./bench/probe.cjs ...`); never part of the product.
// Counts the HTTP requests every server of the process received and every request it sent (by
// host:port), notes when they started and finished (each request a server answered), and writes them with the process's peak memory to
// $BENCH_PROBE_FILE when the process exits. Uses Node's http diagnostics channels: nothing is patched.
'use strict';
const dc = require('node:diagnostics_channel');
const fs = require('node:fs');

const out = process.env.BENCH_PROBE_FILE;
if (out) {
  const now = () => performance.timeOrigin + performance.now();
  const servers = {};
  const clients = {};
  const entry = (table, key) => (table[key] ??= { count: 0, first: undefined, last: undefined });
  const started = new WeakMap();
  dc.subscribe('http.server.request.start', ({ request }) => {
    const e = entry(servers, String(request.socket?.localPort));
    const t = now();
    e.count += 1;
    e.first ??= t;
    started.set(request, t);
  });
  dc.subscribe('http.server.response.finish', ({ request }) => {
    const e = entry(servers, String(request.socket?.localPort));
    const t = now();
    e.last = t;
    (e.spans ??= []).push([started.get(request) ?? t, t]);
  });
  dc.subscribe('http.client.request.start', ({ request }) => {
    const e = entry(clients, String(request.getHeader('host') ?? request.host));
    e.count += 1;
    e.first ??= now();
  });
  dc.subscribe('http.client.response.finish', ({ request }) => {
    entry(clients, String(request.getHeader('host') ?? request.host)).last = now();
  });
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      out,
      JSON.stringify({ timeOrigin: performance.timeOrigin, exitAt: now(), maxRssKb: usage.maxRSS, userCpuUs: usage.userCPUTime, systemCpuUs: usage.systemCPUTime, servers, clients }),
    );
  });
}
