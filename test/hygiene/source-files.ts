// The project's own TypeScript sources, for the hygiene tests: what they are and how they import.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every .ts file below `dir` (relative to the repository), as a path relative to the repository. */
export function tsFilesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFilesBelow(file));
    else if (entry.name.endsWith('.ts')) out.push(file);
  }
  return out;
}

export function parse(file: string, text = fs.readFileSync(path.join(ROOT, file), 'utf8')): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
}

/** The repository-relative files a source imports (static, dynamic and require), relative specifiers only. */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('.')).map((s) => path.join(path.dirname(file), s));
}
