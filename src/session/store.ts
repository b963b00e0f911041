/**
 * Finds and creates session transcripts for one project under ward's home.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newSessionId, projectSessionsDir, SESSION_ID_PATTERN } from './paths.ts';

export interface SessionLocation {
  readonly id: string;
  readonly path: string;
}

export class SessionNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionNotFoundError';
  }
}

export class SessionStore {
  readonly home: string;
  readonly dir: string;

  constructor(home: string, projectRealPath: string) {
    this.home = home;
    this.dir = projectSessionsDir(home, projectRealPath);
  }

  create(): SessionLocation {
    const id = newSessionId();
    return { id, path: join(this.dir, `${id}.jsonl`) };
  }

  /** The most recently written session of this project, or null when there is none. */
  latest(): SessionLocation | null {
    if (!existsSync(this.dir)) return null;
    let best: { location: SessionLocation; mtime: number } | null = null;
    for (const name of readdirSync(this.dir)) {
      // <id>.audit.jsonl beside each transcript is the session's audit log, not a session.
      if (!name.endsWith('.jsonl') || name.endsWith('.audit.jsonl')) continue;
      const path = join(this.dir, name);
      const mtime = statSync(path).mtimeMs;
      if (best === null || mtime > best.mtime) best = { location: { id: name.slice(0, -'.jsonl'.length), path }, mtime };
    }
    return best?.location ?? null;
  }

  byId(id: string): SessionLocation {
    // The id becomes part of a path: anything but a plain name could walk out of the folder.
    if (!SESSION_ID_PATTERN.test(id)) {
      throw new SessionNotFoundError(`"${id}" is not a session id (ids look like 20261121-052653-3f9a1c); list them with: ls ${this.dir}`);
    }
    const path = join(this.dir, `${id}.jsonl`);
    if (existsSync(path)) return { id, path };
    const elsewhere = this.#findInOtherProjects(id);
    if (elsewhere !== null) {
      throw new SessionNotFoundError(
        `session ${id} belongs to another project (its transcript is ${elsewhere}); run ward from that project's folder to resume it`,
      );
    }
    throw new SessionNotFoundError(`no session ${id} for this project (looked in ${this.dir}); use --continue for the latest one`);
  }

  #findInOtherProjects(id: string): string | null {
    const projects = join(this.home, 'projects');
    if (!existsSync(projects)) return null;
    for (const folder of readdirSync(projects)) {
      const candidate = join(projects, folder, `${id}.jsonl`);
      if (existsSync(candidate)) return candidate;
    }
    return null;
  }
}
