// No dead exports and no dead files: knip (knip.json names the entry points: the CLI, the mutation
// runner, the bench, the generated suites, the tests) finds every export nothing imports and every
// file nothing reaches. An export used only in its own file is dead too (types used in the file's
// signatures excepted).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

test('knip finds no unused export, exported type or file', () => {
  const knip = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'knip', 'bin', 'knip.js'), '--include', 'exports,types,files', '--reporter', 'compact', '--no-progress'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect({ status: knip.status, findings: `${knip.stdout}${knip.stderr}`.trim() }).toEqual({ status: 0, findings: '' });
});
