// A replay of a check's exchanges with curl, byte for byte: the method, the URL, every header (curl
// derives Host and Content-Length from the URL and the body, to the same values; its own defaults that
// the run did not send are removed) and the body bytes (--data-binary). A secret is never written: each
// is a reference to an environment variable ("$GITLAB_CI_PRIVATE_TOKEN"), encoded the way the request
// carried it (percent-encoded in a URL, escaped in JSON) so that it expands to the same bytes.
//
// One exchange is one command line. A sequence is a sh script: every request in the order sent, each
// printing its answer (curl -i); where a later request uses a token or an id an earlier answer handed
// out, the script takes it from that answer (a variable assignment, with node to read the JSON).
import { percentEncode } from '../../http/encode';
import type { WireRequest } from '../../http/types';
import type { Recorded } from './recorded';
import { HANDED_OUT_TOKEN_VARIABLES, type SecretVariable } from './secrets';
import { handedOut, idPatterns, type ResourceKind } from './values';

/** How a secret is written where it occurs: as is, percent-encoded (ours or encodeURIComponent's), JSON-escaped. */
type Form = 'raw' | 'url' | 'uri' | 'json';

const FORMS: Record<Form, (value: string) => string> = {
  raw: (v) => v,
  url: percentEncode,
  uri: encodeURIComponent,
  json: (v) => JSON.stringify(v).slice(1, -1),
};

/** The same encodings, run by node in the replay (a script in single quotes: \x27 stands for '). */
const NODE_FORMS: Record<Exclude<Form, 'raw'>, string> = {
  url: `encodeURIComponent(process.argv[1]).replace(/[!\\x27()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())`,
  uri: 'encodeURIComponent(process.argv[1])',
  json: 'JSON.stringify(process.argv[1]).slice(1, -1)',
};

interface Reference {
  variable: string;
  form: Form;
}

type Part = string | Reference;

/** Where a variable replaces what was sent: an exact string, or an id where ids of its kind sit. */
type Substitution = { find: string; ref: Reference } | { patterns: () => RegExp[]; ref: Reference };

const ID_VARIABLES: Record<ResourceKind, string> = { project: 'PROJECT_ID', runner: 'RUNNER_ID', build: 'BUILD_ID', commit: 'COMMIT_ID' };

/** Reads a field of the JSON body of a `curl -i` output: the answer's part after the blank line. */
const ANSWER_FIELD =
  `answer_field() { node -e 'const t = process.argv[1]; const v = JSON.parse(t.slice(t.indexOf("\\r\\n\\r\\n") + 4))[process.argv[2]]; ` +
  `if (v === undefined) { console.error("the answer has no " + process.argv[2]); process.exit(1); } process.stdout.write(String(v))' "$1" "$2"; }`;

export interface ReproductionSecrets {
  /** The run's credentials and their variables. */
  secrets: SecretVariable[];
  /** Tokens the server handed out anywhere in the run (one not assigned by the script becomes a required variable). */
  serverTokens?: Iterable<string>;
}

/** The replay of `steps` (the last one decided the check). */
export function curlReproduction(steps: Recorded[], { secrets, serverTokens = [] }: ReproductionSecrets): string {
  const substitutions: Substitution[] = secrets.flatMap((s) => stringSubstitutions(s.value, s.variable));
  const required = new Set<string>();
  const names = new Map<string, number>();
  const newVariable = (base: string): string => {
    const n = (names.get(base) ?? 0) + 1;
    names.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  };
  const texts = steps.map((s) => requestText(s.request));
  for (const s of secrets) if (texts.some((t) => FORMS_OF(s.value).some((f) => t.includes(f)))) required.add(s.variable);

  const assigned = new Set(secrets.map((s) => s.value));
  const lines: string[] = [];
  steps.forEach((step, i) => {
    // A token of the server's that this sequence did not see handed out: the user supplies it.
    for (const token of serverTokens) {
      if (assigned.has(token) || !FORMS_OF(token).some((f) => texts[i].includes(f))) continue;
      const variable = newVariable('GITLAB_CI_TOKEN');
      substitutions.push(...stringSubstitutions(token, variable));
      assigned.add(token);
      required.add(variable);
    }
    const command = curlCommand(step.request, substitutions);
    const later = texts.slice(i + 1);
    const value = handedOut(step);
    const assignments: string[] = [];
    const capture = `STEP_${i + 1}`;
    if (value?.token && !assigned.has(value.token) && later.some((t) => FORMS_OF(value.token!).some((f) => t.includes(f)))) {
      const base = value.kind === 'project' || value.kind === 'runner' ? HANDED_OUT_TOKEN_VARIABLES[value.kind] : 'GITLAB_CI_TOKEN';
      const variable = newVariable(base);
      assignments.push(`${variable}=$(answer_field "$${capture}" token)`);
      substitutions.push(...stringSubstitutions(value.token, variable));
      assigned.add(value.token);
    }
    if (value?.id !== undefined && later.some((t) => idPatterns(value.kind, value.id!).some((p) => p.test(t)))) {
      const variable = newVariable(ID_VARIABLES[value.kind]);
      assignments.push(`${variable}=$(answer_field "$${capture}" id)`);
      const { kind, id } = value;
      substitutions.push({ patterns: () => idPatterns(kind, id), ref: { variable, form: 'raw' } });
    }
    const label = `# ${i + 1}/${steps.length}: ${step.request.method} ${step.request.target.split('?')[0]}${step.response ? ` (the run saw ${step.response.status})` : ` (the run got no answer: ${step.error ?? 'none'})`}`;
    if (assignments.length) lines.push(label, `${capture}=$(${command})`, `printf '%s\\n\\n' "$${capture}"`, ...assignments);
    else lines.push(label, command, 'echo');
  });
  if (steps.length === 1 && lines.length === 3) return lines[1];
  return [
    `# Replays ${steps.length} requests as the run sent them, in order; the last one decided the check. Run it with sh.`,
    `# Needs curl and node${required.size ? `, and in the environment: ${[...required].join(', ')}` : ''}.`,
    'set -eu',
    ANSWER_FIELD,
    ...lines,
  ].join('\n');
}

const FORMS_OF = (value: string): string[] => [...new Set(Object.values(FORMS).map((f) => f(value)))];

function stringSubstitutions(value: string, variable: string): Substitution[] {
  const seen = new Set<string>();
  const out: Substitution[] = [];
  for (const form of Object.keys(FORMS) as Form[]) {
    const find = FORMS[form](value);
    if (seen.has(find)) continue;
    seen.add(find);
    out.push({ find, ref: { variable, form } });
  }
  return out;
}

function requestText(request: WireRequest): string {
  return [request.url, ...request.headers.map(([n, v]) => `${n}: ${v}`), request.body?.toString('utf8') ?? ''].join('\n');
}

/** The command that sends `request` again, every recorded secret and handed-out value replaced. */
function curlCommand(request: WireRequest, substitutions: Substitution[]): string {
  const method = /^[A-Z]+$/.test(request.method) ? request.method : quote([request.method]);
  const args = ['curl -sS -i --globoff --path-as-is -X', method, quote(substitute(request.url, substitutions, true))];
  const sent = new Set(request.headers.map(([name]) => name.toLowerCase()));
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    if (key === 'host' || key === 'content-length') continue;
    const basic = key === 'authorization' && /^Basic /.test(value) ? Buffer.from(value.slice(6), 'base64').toString('utf8') : undefined;
    if (basic?.includes(':')) args.push('--user', quote(substitute(basic, substitutions, false)));
    else args.push('-H', quote(substitute(`${name}: ${value}`, substitutions, false)));
  }
  // curl's own defaults, where the run sent none.
  for (const name of ['User-Agent', 'Accept']) if (!sent.has(name.toLowerCase())) args.push('-H', quote([`${name}:`]));
  if (!request.body) return args.join(' ');
  if (!sent.has('content-type')) args.push('-H', quote(['Content-Type:']));
  args.push('-H', quote(['Expect:']));
  const text = request.body.toString('utf8');
  const inline = Buffer.from(text, 'utf8').equals(request.body) && !text.includes('\0') && !text.startsWith('@');
  if (inline) return [...args, '--data-binary', quote(substitute(text, substitutions, true))].join(' ');
  // Bytes that are not text (or a body curl would read as a file name): written by printf, byte for byte.
  return `{ ${printfBytes(request.body, substitutions)}; } | ${[...args, '--data-binary', '@-'].join(' ')}`;
}

/** The text as literal parts and references, the longest match first where they overlap. */
function substitute(text: string, substitutions: Substitution[], ids: boolean): Part[] {
  const matches: Array<{ start: number; end: number; ref: Reference }> = [];
  for (const s of substitutions) {
    if ('find' in s) {
      for (let at = text.indexOf(s.find); at >= 0; at = text.indexOf(s.find, at + 1)) matches.push({ start: at, end: at + s.find.length, ref: s.ref });
    } else if (ids) {
      for (const pattern of s.patterns()) for (const m of text.matchAll(pattern)) matches.push({ start: m.index, end: m.index + m[0].length, ref: s.ref });
    }
  }
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: Part[] = [];
  let at = 0;
  for (const m of matches) {
    if (m.start < at) continue;
    if (m.start > at) parts.push(text.slice(at, m.start));
    parts.push(m.ref);
    at = m.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/** A variable's value, encoded as the request carried it. */
function expansion(ref: Reference): string {
  return ref.form === 'raw' ? `"$${ref.variable}"` : `"$(node -p '${NODE_FORMS[ref.form]}' "$${ref.variable}")"`;
}

/** One shell word: literal parts in single quotes, references expanded in double quotes. */
function quote(parts: Part[]): string {
  const word = parts.map((p) => (typeof p === 'string' ? `'${p.replace(/'/g, `'\\''`)}'` : expansion(p))).join('');
  return word || "''";
}

/** printf commands writing the bytes exactly (octal escapes for all but printable ASCII), references expanded. */
function printfBytes(body: Buffer, substitutions: Substitution[]): string {
  const parts = substitute(body.toString('latin1'), substitutions.map((s) => ('find' in s ? { ...s, find: Buffer.from(s.find, 'utf8').toString('latin1') } : s)), true);
  return parts
    .map((p) => {
      if (typeof p !== 'string') return `printf '%s' ${expansion(p)}`;
      const escaped = [...Buffer.from(p, 'latin1')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c && b !== 0x25 ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`)).join('');
      return `printf '${escaped}'`;
    })
    .join('; ');
}
