// Where the reference server decides a status other than a plain success: every such decision is named
// here with the rules of spec/rules.yaml it implements (and the case variant, where a rule's cases are
// decided apart), and code raises it by name (`throw refuse(...)`). Its status is looked up in one place,
// the server's behaviour (./behaviour.ts): strict, or a profile of rules.yaml (GitLab CI 8.0 answering 403
// where the docs say 401) answering another.
import { DomainError, type DomainErrorKind } from '../domain';
import { IdentityUnavailableError } from '../identity';
import { BodyTooLargeError } from './body';

export interface Decision {
  /** The status under the strict (documented) contract. */
  status: number;
  /** The rules (spec/rules.yaml) that decide this status; empty for the HTTP layer's own answers. */
  rules: readonly string[];
  /** The case variant of the rules this decision is (absent: the rules' plain case). */
  variant?: string;
}

export const DECISIONS = {
  // ---- credentials, checked before anything is looked up (AUTH-BEFORE-EXISTENCE) -----------------
  userTokenMissing: { status: 401, rules: ['AUTH-USER-MISSING-401'] },
  userTokenUnknown: { status: 401, rules: ['AUTH-USER-INVALID-401', 'AUTH-USER-WRONG-KIND-401', 'AUTH-BEFORE-EXISTENCE'] },
  gitlabUrlUntrusted: { status: 401, rules: ['AUTH-USER-UNTRUSTED-URL-401'] },
  userMayNotManage: { status: 403, rules: ['AUTH-USER-FORBIDDEN-403'] },
  userHasNoAccess: { status: 403, rules: ['AUTH-USER-NO-ACCESS'] },
  projectTokenRefused: { status: 403, rules: ['AUTH-PROJECT-INVALID-403', 'AUTH-PROJECT-OTHER-PROJECT-403', 'AUTH-PROJECT-WRONG-KIND-403'] },
  /** A project token with a project id that names no project: the token does not authorise it either. */
  projectUnknownToToken: { status: 403, rules: ['AUTH-PROJECT-OTHER-PROJECT-403'], variant: 'unknown-project' },
  registrationTokenRefused: { status: 403, rules: ['AUTH-REGISTRATION-INVALID-403', 'AUTH-REGISTRATION-WRONG-KIND-403'] },
  runnerTokenRefused: { status: 403, rules: ['AUTH-RUNNER-INVALID-403', 'AUTH-RUNNER-DELETED-403', 'AUTH-RUNNER-WRONG-KIND-403', 'AUTH-BEFORE-EXISTENCE'] },
  // ---- input -------------------------------------------------------------------------------------------
  attributeMissing: { status: 400, rules: ['MISSING-ATTRIBUTE-400'] },
  inputMalformed: { status: 400, rules: ['MALFORMED-INPUT-400', 'HOSTILE-INPUT-REJECTED'] },
  nameTaken: { status: 409, rules: ['CONFLICT-409'], variant: 'name' },
  gitlabProjectTaken: { status: 409, rules: ['CONFLICT-409'], variant: 'gitlab_id' },
  unprocessable: { status: 422, rules: ['UNPROCESSABLE-422'] },
  /** POST /forks documents 201, 400, 401 and 403 only: a fork that conflicts or is invalid is a bad request. */
  forkRefused: { status: 400, rules: [] },
  // ---- resources ---------------------------------------------------------------------------------------
  resourceUnknown: { status: 404, rules: ['UNKNOWN-RESOURCE-404'] },
  buildNotAssigned: { status: 404, rules: ['BUILD-UPDATE-ONLY-ASSIGNED'] },
  nothingToBuild: { status: 404, rules: ['BUILD-REGISTER-NOTHING-404'] },
  methodNotAllowed: { status: 405, rules: ['METHOD-NOT-ALLOWED-405'] },
  // ---- successes a rule decides ----------------------------------------------------------------------
  nothingToDelete: { status: 200, rules: ['DELETE-IDEMPOTENT-REPEAT', 'DELETE-IDEMPOTENT-NEVER-EXISTED'] },
  runnerDeletedBefore: { status: 200, rules: ['DELETE-IDEMPOTENT-REPEAT'] },
  commitExists: { status: 200, rules: ['COMMIT-NOT-DUPLICATED'] },
  // ---- the HTTP layer's own answers --------------------------------------------------------------------
  /** Also a path whose id is no id (not a positive 32-bit integer): it names no resource. */
  pathUnknown: { status: 404, rules: ['HOSTILE-INPUT-REJECTED'] },
  requestUnreadable: { status: 400, rules: [] },
  bodyTooLarge: { status: 413, rules: [] },
  serverError: { status: 500, rules: [] },
  gitlabUnavailable: { status: 503, rules: [] },
} as const satisfies Record<string, Decision>;

export type DecisionName = keyof typeof DECISIONS;

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The decision behind a status a rule decides (absent: the operation's plain success). */
  decision?: DecisionName;
}

/** A request the server refuses, by the name of the decision. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly decision: DecisionName,
    /** What is wrong, for the messages that say it (400, 404, 409, 422, 503). */
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? decision);
  }
}

export const refuse = (decision: DecisionName, detail?: string): Refusal => new Refusal(decision, detail);
export const notGiven = (name: string): Refusal => refuse('attributeMissing', `"${name}" not given`);

/** The status a decision answers on the operation being served (the server's behaviour decides it). */
export type StatusOf = (decision: DecisionName) => number;

/** A success whose status a rule decides (e.g. the 200 of an idempotent DELETE with nothing to delete); see settled. */
export function decided(decision: DecisionName, body: unknown): Reply {
  return { status: DECISIONS[decision].status, body, decision };
}

/** A reply with the status its decision answers under the server's behaviour; an error status gets an error's body. */
export function settled(reply: Reply, statusOf: StatusOf): Reply {
  if (!reply.decision) return reply;
  const status = statusOf(reply.decision);
  if (status === reply.status) return reply;
  return { ...reply, status, body: status >= 400 ? { message: messageFor(status, undefined) } : reply.body };
}

/** The message of an error body: the status first, as GitLab CI wrote it ({"message": "404 Not Found"}). */
function messageFor(status: number, detail: string | undefined): string {
  switch (status) {
    case 400:
      return `400 (Bad request)${detail ? ` ${detail}` : ''}`;
    case 404:
      return `404 ${detail ?? 'Not Found'}`;
    case 409:
      return `409 Conflict${detail ? `: ${detail}` : ''}`;
    case 422:
      return `422 Unprocessable${detail ? `: ${detail}` : ''}`;
    case 503:
      return `503 Service Unavailable${detail ? `: ${detail}` : ''}`;
    default:
      return `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  }
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

/** The answer to a failed request: {"message": "..."} with the status of its decision. */
export function replyOf(error: unknown, statusOf: StatusOf): Reply {
  const refusal = asRefusal(error);
  const status = statusOf(refusal.decision);
  return { status, body: { message: messageFor(status, refusal.detail) }, headers: refusal.headers, decision: refusal.decision };
}

function asRefusal(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof DomainError) return refuse(FROM_DOMAIN[error.kind], error.message);
  if (error instanceof BodyTooLargeError) return refuse('bodyTooLarge');
  if (error instanceof IdentityUnavailableError) return refuse('gitlabUnavailable', error.message);
  return refuse('serverError');
}

/** The decision behind each kind of domain failure. */
const FROM_DOMAIN: Record<DomainErrorKind, DecisionName> = {
  invalid: 'inputMalformed',
  'project-token-refused': 'projectTokenRefused',
  'registration-token-refused': 'registrationTokenRefused',
  'runner-token-refused': 'runnerTokenRefused',
  'not-found': 'resourceUnknown',
  'name-taken': 'nameTaken',
  'gitlab-project-taken': 'gitlabProjectTaken',
  unprocessable: 'unprocessable',
};
