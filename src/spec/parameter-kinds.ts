// Where a hostile value can be put in a request of an operation (a slot: every parameter, and every place
// a credential travels), what kind of parameter each slot is, and which status the catalog's rule
// HOSTILE-INPUT-REJECTED expects for a hostile value there. Pure; read by the linter (which statuses an
// operation must document), the derivation (one case per slot) and the scenario (the status per value).
import type { OpenAPIV3_1 } from 'openapi-types';
import type { HostileStatuses, Operation, ParameterKind, ParameterLocation } from './types';

export interface Slot {
  name: string;
  in: ParameterLocation;
  kind: ParameterKind;
  required: boolean;
  schema: OpenAPIV3_1.SchemaObject;
}

/** What is wrong with a hostile value: its content (out of range, blank, not the token...) or that it cannot be read at all. */
export type HostileCategory = 'content' | 'unreadable';

/** Kinds whose every hostile value is answered alike, readable or not: they are decided before the input is read. */
const DECIDED_BEFORE_INPUT: readonly ParameterKind[] = ['path-id', 'user-token', 'gitlab-url'];

/** Kinds whose only hostile values are unreadable ones: any readable text or object is allowed. */
const ONLY_UNREADABLE: readonly ParameterKind[] = ['text', 'object'];

function kindOf(parameter: Pick<Slot, 'in' | 'schema'> & { credential?: string }): ParameterKind {
  if (parameter.in === 'path') return 'path-id';
  if (parameter.credential === 'user') return 'user-token';
  if (parameter.credential === 'gitlab-url') return 'gitlab-url';
  if (parameter.credential) return 'ci-token';
  const { schema } = parameter;
  if (schema.type === 'integer') return 'integer';
  if (schema.type === 'object') return 'object';
  if (schema.enum) return 'enum';
  if ((schema.minLength ?? 0) > 0 || schema.pattern) return 'blank';
  return 'text';
}

/** Every slot of an operation: its parameters, and the user token in each form x-auth accepts. */
export function slotsOf(op: Pick<Operation, 'parameters' | 'auth'>): Slot[] {
  const slots: Slot[] = op.parameters.map((p) => ({ name: p.name, in: p.in, kind: kindOf(p), required: p.required, schema: p.schema }));
  const user = op.auth.find((a) => a.method === 'user');
  const token: OpenAPIV3_1.SchemaObject = { type: 'string' };
  for (const form of user ? (user.forms ?? ['query', 'header']) : []) {
    const [name, location] = form === 'query' ? ['private_token', 'query' as const] : ['PRIVATE-TOKEN', 'header' as const];
    if (!slots.some((s) => s.name === name && s.in === location)) slots.push({ name, in: location, kind: 'user-token', required: true, schema: token });
  }
  return slots;
}

/** The categories of hostile values a slot gets. */
function categoriesOf(slot: Pick<Slot, 'kind'>): HostileCategory[] {
  if (ONLY_UNREADABLE.includes(slot.kind)) return ['unreadable'];
  if (DECIDED_BEFORE_INPUT.includes(slot.kind)) return ['content'];
  return ['content', 'unreadable'];
}

/** The status a hostile value of a category gets in a slot of the operation. */
export function hostileStatus(statuses: HostileStatuses, op: Pick<Operation, 'responses'>, slot: Pick<Slot, 'kind'>, category: HostileCategory): number {
  if (category === 'unreadable' && !DECIDED_BEFORE_INPUT.includes(slot.kind)) return statuses.unreadable;
  const status = statuses.kinds[slot.kind];
  // An operation that documents no 422 refuses what it cannot process as a bad request (POST /forks).
  return status === 422 && !('422' in op.responses) ? 400 : status;
}

/** Every status hostile values get in a slot, ascending. */
export function slotStatuses(statuses: HostileStatuses, op: Pick<Operation, 'responses'>, slot: Pick<Slot, 'kind'>): number[] {
  return [...new Set(categoriesOf(slot).map((c) => hostileStatus(statuses, op, slot, c)))].sort((a, b) => a - b);
}
