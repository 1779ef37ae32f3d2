// `npm run mutation`: runs the suite against every mutant (must be caught by the rule it breaks) and every
// conforming variant (must pass with zero failures, leaving the server's state as it was), prints the
// tables and writes reports/mutation/mutation.json (and .txt). Exit 0 when every mutant is caught by its
// rule and no variant raised an alarm, 1 otherwise, 2 on a bad option.
//
//   npm run mutation -- [--mutants NAME,...] [--no-variants | --variants-only] [--full] [--concurrency N] [--out DIR]
import path from 'node:path';
import { defaultConcurrency, formatReport, runHarness, variantClean, writeReport } from './harness';
import { MUTANTS } from './mutants';
import { VARIANTS } from './variants';

interface Args {
  mutants?: string[];
  variants: boolean;
  mutantsToo: boolean;
  full: boolean;
  concurrency: number;
  out: string;
}

function parse(argv: string[]): Args {
  const args: Args = {
    variants: true,
    mutantsToo: true,
    full: false,
    concurrency: defaultConcurrency(),
    out: path.resolve('reports', 'mutation'),
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--mutants':
        args.mutants = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--no-variants':
        args.variants = false;
        break;
      case '--variants-only':
        args.mutantsToo = false;
        break;
      case '--full':
        args.full = true;
        break;
      case '--concurrency':
        args.concurrency = Number(value());
        if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new Error('--concurrency: a whole number >= 1');
        break;
      case '--out':
        args.out = path.resolve(value());
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  const unknown = (args.mutants ?? []).filter((n) => !MUTANTS.some((m) => m.name === n));
  if (unknown.length) throw new Error(`--mutants: unknown ${unknown.join(', ')}`);
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`mutation: ${(error as Error).message}\n`);
    return 2;
  }
  const mutants = args.mutantsToo ? MUTANTS.filter((m) => !args.mutants || args.mutants.includes(m.name)) : [];
  const variants = args.variants && !args.mutants ? VARIANTS : [];
  process.stderr.write(`Running the suite against ${mutants.length} mutants and ${variants.length} conforming variants, ${args.concurrency} at a time...\n`);
  const report = await runHarness(mutants, variants, {
    reportRoot: args.out,
    concurrency: args.concurrency,
    full: args.full,
    onResult: (line) => process.stderr.write(`  ${line}\n`),
  });
  process.stdout.write(`\n${formatReport(report)}\n`);
  const file = writeReport(args.out, report);
  process.stdout.write(`Written: ${path.relative(process.cwd(), file)} (and mutation.txt)\n`);
  const clean = report.score.caught === report.score.total && report.variants.every(variantClean);
  return clean ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`mutation: ${error.stack ?? error.message}\n`);
    process.exitCode = 2;
  },
);
