// The data of the fake GitLab identity service: users and projects read from fixtures/gitlab/*.json,
// with the projects generated from ranges and a template (names, paths, urls).
import fs from 'node:fs';
import path from 'node:path';

const FIXTURE_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'gitlab');

export type UserRole = 'maintainer' | 'developer' | 'outsider';

/** GitLab access levels. */
export const ACCESS = { guest: 10, reporter: 20, developer: 30, master: 40, owner: 50 } as const;

export interface FakeUser {
  role: UserRole;
  id: number;
  username: string;
  name: string;
  email: string;
  private_token: string;
  /** The GitLab API v3 representation (GET /api/v3/user). */
  json: Record<string, unknown>;
}

export interface FakeProject {
  id: number;
  ownerRole: UserRole;
  /** Access level per user id. */
  access: Map<number, number>;
  /** The GitLab API v3 representation without permissions. */
  json: Record<string, unknown>;
}

export interface GitlabData {
  users: FakeUser[];
  usersByToken: Map<string, FakeUser>;
  projects: FakeProject[];
  projectsById: Map<number, FakeProject>;
}

interface UsersFile {
  users: Array<Omit<FakeUser, 'json'>>;
  userTemplate: Record<string, unknown>;
}

interface ProjectRange {
  from: number;
  to: number;
  owner: UserRole;
  access: Partial<Record<UserRole, number>>;
  namespace: { id: number; name: string; path: string; owner_role: UserRole; description: string };
  name: string;
  description: string;
}

interface ProjectsFile {
  ranges: ProjectRange[];
  template: Record<string, unknown>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as T;
}

function fill(template: unknown, vars: Record<string, string>): unknown {
  if (typeof template === 'string') return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(template)) return template.map((t) => fill(t, vars));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, vars)]));
  }
  return template;
}

/** The projects of one range of projects.json, filled from the template. */
function projectsOfRange(range: ProjectRange, template: Record<string, unknown>, byRole: Map<UserRole, FakeUser>, at: { host: string; web: string }): FakeProject[] {
  const { host, web } = at;
  const projects: FakeProject[] = [];
  const nsOwner = byRole.get(range.namespace.owner_role);
  const owner = byRole.get(range.owner);
  for (let n = range.from; n <= range.to; n++) {
    const name = range.name.replace('{n}', String(n));
    const pathWithNamespace = `${range.namespace.path}/${name}`;
    const vars = { n: String(n), host, web, path_with_namespace: pathWithNamespace };
    const access = new Map<number, number>();
    for (const [role, level] of Object.entries(range.access)) {
      const user = byRole.get(role as UserRole);
      if (user && level) access.set(user.id, level);
    }
    const base = fill(template, vars) as Record<string, unknown>;
    projects.push({
      id: n,
      ownerRole: range.owner,
      access,
      json: {
        id: n,
        description: range.description.replace('{n}', String(n)),
        ...base,
        owner: owner ? { id: owner.id, name: owner.name, created_at: owner.json.created_at } : null,
        name,
        name_with_namespace: `${range.namespace.name} / ${name}`,
        path: name,
        path_with_namespace: pathWithNamespace,
        namespace: {
          id: range.namespace.id,
          name: range.namespace.name,
          path: range.namespace.path,
          description: range.namespace.description,
          owner_id: nsOwner?.id ?? null,
          created_at: base.created_at,
          updated_at: base.created_at,
        },
      },
    });
  }
  return projects;
}

/** Builds the data set for a fake GitLab reachable at baseUrl (used in web and ssh urls). */
export function loadGitlabData(baseUrl: string): GitlabData {
  const usersFile = readJson<UsersFile>('users.json');
  const projectsFile = readJson<ProjectsFile>('projects.json');
  const host = new URL(baseUrl).hostname;
  const web = baseUrl.replace(/\/+$/, '');

  const users: FakeUser[] = usersFile.users.map((u) => ({
    ...u,
    json: {
      id: u.id,
      username: u.username,
      email: u.email,
      name: u.name,
      ...usersFile.userTemplate,
      private_token: u.private_token,
      access_token: u.private_token,
    },
  }));
  const byRole = new Map(users.map((u) => [u.role, u]));

  const projects = projectsFile.ranges.flatMap((range) => projectsOfRange(range, projectsFile.template, byRole, { host, web }));
  return {
    users,
    usersByToken: new Map(users.map((u) => [u.private_token, u])),
    projects,
    projectsById: new Map(projects.map((p) => [p.id, p])),
  };
}

export interface FixtureUser {
  role: UserRole;
  id: number;
  username: string;
  privateToken: string;
}

/** The fixture users by role (their tokens are fixed: they are the same on every start). */
export const FIXTURE_USERS: Record<UserRole, FixtureUser> = (() => {
  const file = readJson<UsersFile>('users.json');
  const out = {} as Record<UserRole, FixtureUser>;
  for (const u of file.users) out[u.role] = { role: u.role, id: u.id, username: u.username, privateToken: u.private_token };
  return out;
})();
