// Every operation of the GitLab CI API v1, by resource.
import type { Route } from '../route';
import { buildRoutes } from './builds';
import { commitRoutes } from './commits';
import { forkRoutes } from './forks';
import { projectRoutes } from './projects';
import { runnerRoutes } from './runners';

export const ROUTES: readonly Route[] = [...projectRoutes, ...runnerRoutes, ...commitRoutes, ...buildRoutes, ...forkRoutes];
