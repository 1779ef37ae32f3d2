// Faults of authentication: credentials a broken server accepts where it should refuse them, refuses where
// it should accept them, or checks after the resource they guard.
import { jsonOf, type ProxiedRequest } from '../http/proxy';
import { answerSome, editRequest, editResponse, takesUserToken, type Fault, type FaultContext, type FaultHandler } from './fault';
import { apiPathOf, idOf, is, newRequest, param, refusal, withBodyParam, withHeader, withParam, withQueryParam, withUserToken, userTokenOf } from './wire';

const FORBIDDEN = () => refusal(403, '403 Forbidden');
const NOT_FOUND = () => refusal(404, '404 Not Found');

/** Serves a user-token request as a user with no rights on the suite's projects (the outsider), as a server serving strangers anonymously would. */
const asOutsider = (accept: (token: string | undefined, ctx: FaultContext) => boolean): Fault['start'] =>
  editRequest((r, ctx) => (takesUserToken(r, ctx) && accept(userTokenOf(r), ctx) ? withUserToken(r, ctx.env.users.outsider) : undefined));

const isUserToken = (token: string, ctx: FaultContext): boolean => Object.values(ctx.env.users).includes(token);

const USER_FAULTS: Fault[] = [
  {
    name: 'user-token-missing-accepted',
    breaks: 'AUTH-USER-MISSING-401',
    description: 'A request without a user token is served as a user without rights instead of 401.',
    start: asOutsider((token) => token === undefined),
  },
  {
    name: 'user-token-invalid-accepted',
    breaks: 'AUTH-USER-INVALID-401',
    description: 'A user token GitLab does not know is served as a user without rights instead of 401.',
    start: asOutsider((token, ctx) => token !== undefined && !isUserToken(token, ctx)),
  },
  {
    name: 'user-token-ci-token-accepted',
    breaks: 'AUTH-USER-WRONG-KIND-401',
    description: 'A CI token (project, runner, registration) in place of the user token is served as a user without rights.',
    start: asOutsider((token, ctx) => token !== undefined && ctx.seen.ciTokenKind(token) !== undefined),
  },
  {
    name: 'user-token-header-ignored',
    breaks: 'AUTH-USER-HEADER',
    description: 'The PRIVATE-TOKEN header is not read: only the private_token query parameter counts.',
    start: editRequest((r) => withHeader(r, 'private-token', undefined)),
  },
  {
    name: 'user-token-query-ignored-on-owned',
    breaks: 'AUTH-USER-QUERY',
    description: 'GET /projects/owned reads the user token from the header only.',
    start: editRequest((r) => (is(r, 'GET', '/projects/owned') ? withQueryParam(r, 'private_token', undefined) : undefined)),
  },
  {
    name: 'untrusted-url-accepted',
    breaks: 'AUTH-USER-UNTRUSTED-URL-401',
    description: 'The url is not checked: any (or no) GitLab url is taken for the trusted one.',
    start: editRequest((r, ctx) => (takesUserToken(r, ctx) ? withQueryParam(r, 'url', ctx.env.gitlabUrl) : undefined)),
  },
  {
    name: 'developer-may-manage',
    breaks: 'AUTH-USER-FORBIDDEN-403',
    // The developer has access to every GitLab project the maintainer manages (fixtures/gitlab).
    description: 'Managing a project needs only access to the GitLab project, not master or owner: the developer acts as the maintainer.',
    start: editRequest((r, ctx) =>
      takesUserToken(r, ctx) && r.method !== 'GET' && userTokenOf(r) === ctx.env.users.developer ? withUserToken(r, ctx.env.users.maintainer) : undefined,
    ),
  },
  {
    name: 'project-access-unchecked',
    breaks: 'AUTH-USER-NO-ACCESS',
    description: 'GET /projects/:id shows any project to any valid user (served with the maintainer\'s rights).',
    start: editRequest((r, ctx) => {
      const token = userTokenOf(r);
      return is(r, 'GET', '/projects/{id}') && token !== undefined && isUserToken(token, ctx) ? withUserToken(r, ctx.env.users.maintainer) : undefined;
    }),
  },
  {
    name: 'project-lookup-before-auth',
    breaks: 'AUTH-BEFORE-EXISTENCE',
    description: 'GET /projects/:id looks the project up before the user token: an unknown id answers 404 to anyone.',
    start: answerSome((r, ctx) => (is(r, 'GET', '/projects/{id}') && !ctx.seen.projectExists(idOf(r)) ? NOT_FOUND() : undefined)),
  },
];

// ---- Authentication #2: the project token of GET and POST /commits -------------------------------------

/** Puts the token of the project named by project_id in place of a project token the rule says is wrong. */
const projectTokenTakenFor = (accept: (token: string, projectId: number, ctx: FaultContext) => boolean): Fault['start'] =>
  editRequest((r, ctx) => {
    const token = param(r, 'project_token');
    const projectId = Number(param(r, 'project_id'));
    const real = ctx.seen.projectToken(projectId);
    return apiPathOf(r) === '/commits' && token !== undefined && real !== undefined && token !== real && accept(token, projectId, ctx)
      ? withParam(r, 'project_token', real)
      : undefined;
  });

const PROJECT_FAULTS: Fault[] = [
  {
    name: 'project-token-refused-on-list',
    breaks: 'AUTH-PROJECT-ACCEPTED',
    description: "GET /commits refuses the project's own token with 403.",
    start: editResponse((r, res) => (is(r, 'GET', '/commits') && res.status === 200 ? FORBIDDEN() : undefined)),
  },
  {
    name: 'project-token-unknown-accepted',
    breaks: 'AUTH-PROJECT-INVALID-403',
    description: 'A project token no project has is accepted for the project named by project_id.',
    start: projectTokenTakenFor((token, _id, ctx) => ctx.seen.ciTokenKind(token) === undefined),
  },
  {
    name: 'project-token-any-project',
    breaks: 'AUTH-PROJECT-OTHER-PROJECT-403',
    description: 'Any project token is accepted for any (existing) project_id.',
    start: projectTokenTakenFor((token, _id, ctx) => ctx.seen.ciTokenKind(token) === 'project'),
  },
  {
    name: 'project-token-runner-token-accepted',
    breaks: 'AUTH-PROJECT-WRONG-KIND-403',
    description: 'The token of a runner linked to the project is accepted as its project token.',
    start: projectTokenTakenFor((token, id, ctx) => ctx.seen.projectsOfRunner(token).includes(id)),
  },
];

// ---- Authentication #3: the registration of a runner ------------------------------------------------------

const registering = (r: ProxiedRequest): string | undefined => (is(r, 'POST', '/runners/register') ? param(r, 'token') : undefined);

const REGISTRATION_FAULTS: Fault[] = [
  {
    name: 'registration-token-refused',
    breaks: 'AUTH-REGISTRATION-ACCEPTED',
    description: 'The runners registration token is refused: only project tokens register runners.',
    start: answerSome((r, ctx) => (registering(r) === ctx.env.registrationToken ? FORBIDDEN() : undefined)),
  },
  {
    name: 'registration-project-token-refused',
    breaks: 'AUTH-REGISTRATION-PROJECT-TOKEN',
    description: 'Project tokens are refused for registration: only the runners registration token registers runners.',
    start: answerSome((r, ctx) => {
      const token = registering(r);
      return token !== undefined && token !== ctx.env.registrationToken ? FORBIDDEN() : undefined;
    }),
  },
  {
    name: 'registration-any-token',
    breaks: 'AUTH-REGISTRATION-INVALID-403',
    description: 'A token that is no CI token at all registers a shared runner.',
    start: editRequest((r, ctx) => {
      const token = registering(r);
      return token !== undefined && ctx.seen.ciTokenKind(token) === undefined ? withParam(r, 'token', ctx.env.registrationToken) : undefined;
    }),
  },
  {
    name: 'registration-runner-token-accepted',
    breaks: 'AUTH-REGISTRATION-WRONG-KIND-403',
    description: "A runner's token registers another runner for the same projects.",
    start: editRequest((r, ctx) => {
      const token = registering(r);
      if (token === undefined || ctx.seen.ciTokenKind(token) !== 'runner') return undefined;
      const [projectId] = ctx.seen.projectsOfRunner(token);
      return withParam(r, 'token', (projectId !== undefined && ctx.seen.projectToken(projectId)) || ctx.env.registrationToken);
    }),
  },
];

// ---- Authentication #4: the runner token --------------------------------------------------------------

const takesRunnerToken = (r: ProxiedRequest): boolean => is(r, 'POST', '/builds/register') || is(r, 'PUT', '/builds/{id}');

/** The registration token taken for the token of a shared runner without tags (registered on first use). */
function registrationTokenAsRunner(ctx: FaultContext): FaultHandler {
  let shared: Promise<string | undefined> | undefined;
  const sharedRunnerToken = () =>
    (shared ??= ctx
      .forward(newRequest('POST', '/api/v1/runners/register', {}, { token: ctx.env.registrationToken, description: 'the registration token taken for a runner' }))
      .then((res) => (jsonOf(res) as { token?: string } | undefined)?.token));
  return async (r) => {
    const token = takesRunnerToken(r) && param(r, 'token') === ctx.env.registrationToken ? await sharedRunnerToken() : undefined;
    return ctx.forward(token ? withParam(r, 'token', token) : r);
  };
}

const RUNNER_FAULTS: Fault[] = [
  {
    name: 'runner-token-unknown-404',
    breaks: 'AUTH-RUNNER-INVALID-403',
    description: 'A runner token no runner ever had answers 404 ("nothing to do") instead of 403.',
    start: answerSome((r, ctx) => {
      const token = is(r, 'POST', '/builds/register') ? param(r, 'token') : undefined;
      return token !== undefined && ctx.seen.ciTokenKind(token) === undefined ? NOT_FOUND() : undefined;
    }),
  },
  {
    name: 'runner-token-deleted-valid',
    breaks: 'AUTH-RUNNER-DELETED-403',
    description: "A deleted runner's token still authenticates, as a runner with no projects: 404 (nothing to build, no build of its own).",
    start: answerSome((r, ctx) => {
      const token = takesRunnerToken(r) ? param(r, 'token') : undefined;
      return token !== undefined && ctx.seen.ciTokenKind(token) === 'deleted-runner' ? NOT_FOUND() : undefined;
    }),
  },
  {
    name: 'runner-token-registration-accepted',
    breaks: 'AUTH-RUNNER-WRONG-KIND-403',
    description: 'The runners registration token authenticates as a shared runner without tags.',
    start: registrationTokenAsRunner,
  },
  {
    name: 'runner-token-refused-on-delete',
    breaks: 'AUTH-RUNNER-ACCEPTED',
    description: 'DELETE /runners/delete refuses a live runner token that arrives in the body (it reads only the query).',
    start: editRequest((r) => (is(r, 'DELETE', '/runners/delete') ? withBodyParam(r, 'token', undefined) : undefined)),
  },
  {
    name: 'build-lookup-before-auth',
    breaks: 'AUTH-BEFORE-EXISTENCE',
    description: 'PUT /builds/:id looks the build up before the runner token: PUT builds/-1 answers 404 to a deleted runner.',
    start: answerSome((r, ctx) => (is(r, 'PUT', '/builds/{id}') && !ctx.seen.buildExists(idOf(r)) ? NOT_FOUND() : undefined)),
  },
];

export const AUTH_FAULTS: readonly Fault[] = [...USER_FAULTS, ...PROJECT_FAULTS, ...REGISTRATION_FAULTS, ...RUNNER_FAULTS];
