// What this tool is: its name and version (package.json), for --version, the reports and the
// User-Agent of every request it sends.
import fs from 'node:fs';
import path from 'node:path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..');

const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

export const TOOL = { name: manifest.name, version: manifest.version } as const;
