// What this tool is: its name and version (package.json), for --version, the reports and the
// User-Agent of every request it sends.
import fs from 'node:fs';
import path from 'node:path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..');

const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

export const TOOL = { name: manifest.name, version: manifest.version } as const;

/**
 * The name the generated suites import their runtime by (src/suite/define.ts): compiled to dist/suites/
 * by the build, they are run by `run`, which maps the name to the package's own compiled runtime
 * wherever the package is installed (src/runner/jest.ts); tsconfig.json maps it to the source.
 */
export const SUITE_RUNTIME = `${manifest.name}/suite`;
