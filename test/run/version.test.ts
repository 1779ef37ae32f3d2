// `gitlab-ci-conformance --version` prints the package's version and exits 0.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, runCli } from './helpers';

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const result = await runCli(['--version']);
  expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});
