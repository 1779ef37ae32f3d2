// The fault catalog of the reference server: named switches, each making the server break exactly one
// rule of spec/rules.yaml in one place, so that mutation testing can show every check fires
// (src/mutation/). Data only: each switch is a one-line `if (hasFault(ctx, 'name'))` where the rule is
// kept. Off in normal operation (`serve` and `run` never turn any on).
export interface FaultSpec {
  name: string;
  /** The rule ID (spec/rules.yaml) the fault breaks. */
  breaks: string;
  /** What the server does wrong with the fault on. */
  description: string;
}

export const FAULTS = [
  // ---- Authentication #1: user token & url (src/server/http/auth.ts, routes/projects.ts) ----------------
  { name: 'user-token-missing-accepted', breaks: 'AUTH-USER-MISSING-401', description: 'A request without a user token is served as an anonymous user instead of 401.' },
  { name: 'user-token-invalid-accepted', breaks: 'AUTH-USER-INVALID-401', description: 'A user token GitLab does not know is served as an anonymous user instead of 401.' },
  { name: 'user-token-ci-token-accepted', breaks: 'AUTH-USER-WRONG-KIND-401', description: 'A CI token (project, runner, registration) in place of the user token is served as an anonymous user.' },
  { name: 'user-token-header-ignored', breaks: 'AUTH-USER-HEADER', description: 'The PRIVATE-TOKEN header is not read: only the private_token query parameter counts.' },
  { name: 'user-token-query-ignored-on-owned', breaks: 'AUTH-USER-QUERY', description: 'GET /projects/owned reads the user token from the header only.' },
  { name: 'untrusted-url-accepted', breaks: 'AUTH-USER-UNTRUSTED-URL-401', description: 'The url is not checked: any (or no) GitLab url is taken for the trusted one.' },
  { name: 'developer-may-manage', breaks: 'AUTH-USER-FORBIDDEN-403', description: 'Managing a project needs only access to the GitLab project, not master or owner.' },
  { name: 'project-access-unchecked', breaks: 'AUTH-USER-NO-ACCESS', description: 'GET /projects/:id shows any project to any valid user.' },
  { name: 'project-lookup-before-auth', breaks: 'AUTH-BEFORE-EXISTENCE', description: 'GET /projects/:id looks the project up before the user token: an unknown id answers 404 to anyone.' },
  // ---- Authentication #2: project token (src/server/http/auth.ts) -------------------------------------
  { name: 'project-token-refused-on-list', breaks: 'AUTH-PROJECT-ACCEPTED', description: "GET /commits refuses the project's own token with 403." },
  { name: 'project-token-unknown-accepted', breaks: 'AUTH-PROJECT-INVALID-403', description: 'A project token no project has is accepted for the project named by project_id.' },
  { name: 'project-token-any-project', breaks: 'AUTH-PROJECT-OTHER-PROJECT-403', description: 'Any project token is accepted for any (existing) project_id.' },
  { name: 'project-token-runner-token-accepted', breaks: 'AUTH-PROJECT-WRONG-KIND-403', description: 'The token of a runner linked to the project is accepted as its project token.' },
  // ---- Authentication #3: registration (src/server/http/routes/runners.ts) ----------------------------
  { name: 'registration-token-refused', breaks: 'AUTH-REGISTRATION-ACCEPTED', description: 'The runners registration token is refused: only project tokens register runners.' },
  { name: 'registration-project-token-refused', breaks: 'AUTH-REGISTRATION-PROJECT-TOKEN', description: 'Project tokens are refused for registration: only the runners registration token registers runners.' },
  { name: 'registration-any-token', breaks: 'AUTH-REGISTRATION-INVALID-403', description: 'A token that is no CI token at all registers a shared runner.' },
  { name: 'registration-runner-token-accepted', breaks: 'AUTH-REGISTRATION-WRONG-KIND-403', description: "A runner's token registers another runner for the same projects." },
  // ---- Authentication #4: runner token (src/server/http/auth.ts, routes/builds.ts) ---------------------
  { name: 'runner-token-unknown-404', breaks: 'AUTH-RUNNER-INVALID-403', description: 'A runner token no runner ever had answers 404 ("nothing to do") instead of 403.' },
  { name: 'runner-token-deleted-valid', breaks: 'AUTH-RUNNER-DELETED-403', description: "A deleted runner's token still authenticates (as a runner with no projects)." },
  { name: 'runner-token-registration-accepted', breaks: 'AUTH-RUNNER-WRONG-KIND-403', description: 'The runners registration token authenticates as a shared runner without tags.' },
  { name: 'runner-token-refused-on-delete', breaks: 'AUTH-RUNNER-ACCEPTED', description: 'DELETE /runners/delete refuses a live runner token that arrives in the body (it reads only the query).' },
  { name: 'build-lookup-before-auth', breaks: 'AUTH-BEFORE-EXISTENCE', description: 'PUT /builds/:id looks the build up before the runner token: PUT builds/-1 answers 404 to a deleted runner.' },
  // ---- Success statuses and bodies (routes/*.ts) -------------------------------------------------------
  { name: 'list-runners-answers-201', breaks: 'GET-200', description: 'GET /runners answers 201 Created.' },
  { name: 'create-project-answers-200', breaks: 'POST-201', description: 'POST /projects answers 200 OK instead of 201 Created.' },
  { name: 'fork-not-saved', breaks: 'POST-201', description: 'POST /forks answers 201 with the new project but does not keep it: it cannot be read back.' },
  { name: 'update-returns-old-project', breaks: 'PUT-200', description: 'PUT /projects/:id answers the project as it was before the change.' },
  { name: 'delete-keeps-project', breaks: 'DELETE-200', description: 'DELETE /projects/:id answers 200 and keeps the project.' },
  { name: 'delete-repeat-404', breaks: 'DELETE-IDEMPOTENT-REPEAT', description: 'A DELETE of a project deleted before answers 404.' },
  { name: 'delete-unknown-404', breaks: 'DELETE-IDEMPOTENT-NEVER-EXISTED', description: 'A DELETE of a project that never existed answers 404.' },
  { name: 'commit-duplicated', breaks: 'COMMIT-NOT-DUPLICATED', description: 'Pushing the same sha and ref again creates a second commit.' },
  { name: 'pagination-ignored', breaks: 'COMMITS-PAGINATED', description: 'GET /commits ignores page and per_page and answers every commit.' },
  { name: 'nothing-to-build-200', breaks: 'BUILD-REGISTER-NOTHING-404', description: 'POST /builds/register answers 200 {} when there is no build for the runner.' },
  { name: 'build-selection-races', breaks: 'BUILD-HANDED-OUT-ONCE', description: 'POST /builds/register awaits between selecting the oldest pending build and assigning it.' },
  { name: 'build-update-any-runner', breaks: 'BUILD-UPDATE-ONLY-ASSIGNED', description: 'PUT /builds/:id lets any runner update a build assigned to another runner.' },
  // ---- Error statuses (routes/*.ts, http/server.ts) ----------------------------------------------------
  { name: 'ssh-url-not-required', breaks: 'MISSING-ATTRIBUTE-400', description: 'POST /projects without ssh_url_to_repo creates the project with an empty one.' },
  { name: 'missing-name-500', breaks: 'MISSING-ATTRIBUTE-400', description: 'POST /projects without name fails with 500 (the handler reads name before checking it is there).' },
  { name: 'missing-data-422', breaks: 'MISSING-ATTRIBUTE-400', description: 'POST /commits without data answers 422 instead of 400.' },
  { name: 'unknown-project-200-null', breaks: 'UNKNOWN-RESOURCE-404', description: 'GET /projects/:id of an unknown id answers 200 with null.' },
  { name: 'method-not-allowed-404', breaks: 'METHOD-NOT-ALLOWED-405', description: 'An undocumented method on a documented path answers 404 instead of 405.' },
  { name: 'duplicate-names-allowed', breaks: 'CONFLICT-409', description: 'A project name another CI project has is accepted (POST and PUT /projects).' },
  { name: 'build-state-unchecked', breaks: 'UNPROCESSABLE-422', description: 'PUT /builds/:id ignores a state outside running, success, failed and answers 200.' },
  { name: 'malformed-json-500', breaks: 'MALFORMED-INPUT-400', description: 'A body that is not valid JSON fails with 500.' },
  { name: 'huge-value-500', breaks: 'NO-SERVER-ERROR', description: 'A request body over 64 KB fails with 500 (a value too long for its column).' },
  // ---- Representation (http/server.ts, routes/*.ts) ----------------------------------------------------
  { name: 'json-suffix-404', breaks: 'JSON-SUFFIX', description: 'Paths with the .json suffix answer 404.' },
  { name: 'form-body-refused', breaks: 'FORM-BODY', description: 'application/x-www-form-urlencoded bodies are refused with 400.' },
  { name: 'project-timeout-as-string', breaks: 'RESPONSE-SCHEMA', description: 'GET /projects/:id answers timeout as a string ("3600").' },
  { name: 'not-found-as-text', breaks: 'JSON-RESPONSE', description: 'A 404 of an unknown id answers text/plain "Not Found".' },
] as const satisfies readonly FaultSpec[];

export type FaultName = (typeof FAULTS)[number]['name'];

export const FAULT_NAMES: ReadonlySet<string> = new Set(FAULTS.map((f) => f.name));

/** The faults by name; throws on a name the catalog does not have (a typo would silently test nothing). */
export function faultSet(names: Iterable<string>): ReadonlySet<FaultName> {
  const out = new Set<FaultName>();
  for (const name of names) {
    if (!FAULT_NAMES.has(name)) throw new Error(`unknown fault ${JSON.stringify(name)} (see src/server/faults.ts)`);
    out.add(name as FaultName);
  }
  return out;
}
