import type { Sandbox, SpawnSpec } from './types.ts';

/** Runs commands directly on the host, unconfined. Every result says so via `confining`. */
export const hostRunner: Sandbox = {
  name: 'none',
  confining: false,
  wrap(spec: SpawnSpec): SpawnSpec {
    return spec;
  },
};
