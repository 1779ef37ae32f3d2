// The words of a report around a check: the doc sentence it derives from, and an exchange written as
// the HTTP messages it was (for JUnit's failure text and the HTML page).
import type { EvidenceBody, EvidenceExchange } from './evidence';
import type { CheckResult } from './results';

/** The rule's source and decision, one line each; nothing for a check of no catalogued rule. */
export function sourceText(check: Pick<CheckResult, 'rule' | 'source'>): string[] {
  const { source } = check;
  if (!source) return [];
  return [`${check.rule} derives from ${source.page}, section "${source.section}": "${source.quote}"`, ...(source.decision ? [`Decision where the docs leave a choice: ${source.decision}`] : [])];
}

const bodyText = (body: EvidenceBody | undefined): string => (body === undefined ? '' : typeof body === 'string' ? body : `[not UTF-8, base64] ${body.base64}`);

/** The request and its answer (or why none came), as HTTP/1.1 messages. */
export function exchangeText({ request, response }: EvidenceExchange): string {
  const sent = [`${request.method} ${request.url}`, ...request.headers.map(([n, v]) => `${n}: ${v}`), '', bodyText(request.body)];
  const received =
    'error' in response
      ? [`(no answer after ${response.durationMs} ms: ${response.error})`]
      : [`HTTP/${response.httpVersion} ${response.status} ${response.statusText} (${response.durationMs} ms)`, ...response.headers.map(([n, v]) => `${n}: ${v}`), '', bodyText(response.body)];
  return [...sent, '', ...received].join('\n');
}
