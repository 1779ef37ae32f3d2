// Two runs at the same time against the same target (one `serve`d stack) do not disturb each other:
// both pass, and together they leave nothing behind.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { readReport } from '../report/support';
import { ROOT, runCli } from '../run/helpers';
import { EXITED_0, exitOf, leftovers, tempDir, type RunningReferenceStack } from './support';

test('two runs at once against one served stack both pass', async () => {
  const serve = spawn(process.execPath, [path.join(ROOT, 'bin', 'gitlab-ci-conformance.js'), 'serve', '--json'], { cwd: ROOT });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      serve.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const served = JSON.parse(line) as { url: string; gitlabUrl: string; registrationToken: string; users: Record<'maintainer' | 'developer' | 'outsider', string> };
    const env = {
      GITLAB_CI_URL: served.url,
      GITLAB_URL: served.gitlabUrl,
      GITLAB_CI_PRIVATE_TOKEN: served.users.maintainer,
      GITLAB_CI_DEVELOPER_TOKEN: served.users.developer,
      GITLAB_CI_OUTSIDER_TOKEN: served.users.outsider,
      GITLAB_CI_REGISTRATION_TOKEN: served.registrationToken,
    };
    const dirs = [tempDir('twin-a'), tempDir('twin-b')];
    const [a, b] = await Promise.all(dirs.map((dir) => runCli(['run', '--report-dir', dir], env)));
    for (const dir of dirs) {
      const report = readReport(dir);
      expect(report.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    }
    expect(exitOf(a)).toEqual(EXITED_0);
    expect(exitOf(b)).toEqual(EXITED_0);
    const stack = { url: served.url, gitlabUrl: served.gitlabUrl, users: served.users } as unknown as RunningReferenceStack;
    expect(await leftovers(stack)).toEqual({ projects: [], runners: [] });
  } finally {
    serve.kill('SIGTERM');
  }
}, 180_000);
