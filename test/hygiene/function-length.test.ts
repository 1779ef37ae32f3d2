// No function over 60 lines in src/, bench/ and the tests' support files, unless a `// long: <reason>`
// comment right before it says why (CONVENTIONS: functions over ~60 lines need a reason).
import ts from 'typescript';
import { parse, tsFilesBelow } from './source-files';

const MAX_LINES = 60;

/** Functions longer than MAX_LINES without a `// long:` reason: "file:line name (N lines)". */
function longFunctions(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (last - first + 1 > MAX_LINES && !hasReason(source, node)) found.push(`${source.fileName}:${first + 1} ${nameOf(node)} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A `// long:` comment before the function, or before the statement or property that holds it. */
function hasReason(source: ts.SourceFile, node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node; at && !ts.isSourceFile(at); at = at.parent) {
    const comments = ts.getLeadingCommentRanges(source.text, at.getFullStart()) ?? [];
    if (comments.some((c) => /^\/\/\s*long:\s*\S/.test(source.text.slice(c.pos, c.end)))) return true;
    if (ts.isStatement(at) || ts.isClassElement(at) || ts.isPropertyAssignment(at)) return false;
  }
  return false;
}

function nameOf(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const holder = node.parent;
  return holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) ? holder.name.getText() : '(anonymous)';
}

const SOURCES = [
  ...tsFilesBelow('src'),
  ...tsFilesBelow('bench'),
  ...tsFilesBelow('test').filter((f) => !f.endsWith('.test.ts')),
  ...tsFilesBelow('contracts').filter((f) => !f.endsWith('.test.ts')),
];

describe(`functions of at most ${MAX_LINES} lines`, () => {
  it('holds for src/, bench/ and the support files of the tests', () => {
    expect(SOURCES.flatMap((file) => longFunctions(parse(file)))).toEqual([]);
  });

  it('reports a long function, named, unless a `// long:` comment gives the reason', () => {
    const body = Array.from({ length: MAX_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `function long() {\n${body}\n}\n// long: one table, kept whole\nconst explained = () => {\n${body}\n};\nfunction short() {\n  return 1;\n}\n`;
    expect(longFunctions(parse('example.ts', text))).toEqual([`example.ts:1 long (${MAX_LINES + 2} lines)`]);
  });
});
