// Where state is recorded: every resource the run creates is written to the run's ledger as soon as
// the server answers, so that it can be removed at the end even if a suite file crashed or the run was
// interrupted. Runner tokens (needed to delete a runner) are stored encrypted with a key that only
// lives in the run's memory: the ledger on disk never holds a readable secret.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { type Resource, resourceKey, type Unanswered } from './resources';

type Line =
  | { op: 'created'; resource: Resource }
  | { op: 'removed'; key: string }
  | { op: 'unanswered'; creation: Unanswered }
  | { op: 'removal-in-doubt'; key: string };

export class Ledger {
  constructor(
    private readonly file: string,
    private readonly key: Buffer,
  ) {}

  static newKey(): Buffer {
    return crypto.randomBytes(32);
  }

  created(resource: Resource): void {
    this.append({ op: 'created', resource });
  }

  removed(resource: Resource): void {
    this.append({ op: 'removed', key: resourceKey(resource) });
  }

  /** A creation request that got no usable answer: what it made, if anything, is known by name only. */
  unanswered(creation: Unanswered): void {
    this.append({ op: 'unanswered', creation });
  }

  /** A request that removes the resource was sent and its outcome is not known for sure (no answer, or a check's 2xx): it may be gone, or not. */
  removalInDoubt(resource: Resource): void {
    this.append({ op: 'removal-in-doubt', key: resourceKey(resource) });
  }

  /** Keys (resourceKey) of resources whose removal is in doubt. */
  doubtfulRemovals(): Set<string> {
    return new Set(this.lines().flatMap((entry) => (entry.op === 'removal-in-doubt' ? [entry.key] : [])));
  }

  /** What was created and not yet removed, newest first (the order to delete in). */
  outstanding(): Resource[] {
    const live = new Map<string, Resource>();
    for (const entry of this.lines()) {
      if (entry.op === 'created') live.set(resourceKey(entry.resource), entry.resource);
      else if (entry.op === 'removed') live.delete(entry.key);
    }
    return [...live.values()].reverse();
  }

  /** Every creation that got no usable answer, in the order they were noted. */
  unansweredCreations(): Unanswered[] {
    return this.lines().flatMap((entry) => (entry.op === 'unanswered' ? [entry.creation] : []));
  }

  private lines(): Line[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(this.decrypt(line)) as Line);
  }

  private append(line: Line): void {
    fs.appendFileSync(this.file, `${this.encrypt(JSON.stringify(line))}\n`, { mode: 0o600 });
  }

  private encrypt(text: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
  }

  private decrypt(line: string): string {
    const [iv, tag, data] = line.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
