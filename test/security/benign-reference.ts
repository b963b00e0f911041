/**
 * The reference the benign suite compares ward against: the same command run directly with
 * bash on the host, no sandbox and no ward code in between, in an identical copy of the project
 * and with the environment ward gives commands. Like ward's bash tool it closes stdin, merges
 * stderr into stdout, and starts each command in the directory the previous one ended in.
 */
import { spawn } from 'node:child_process';

export interface ReferenceResult {
  /** stdout and stderr interleaved, exactly as written. */
  readonly output: string;
  readonly exitCode: number | null;
}

/** One shell per sequence of commands: only the working directory carries over, as in ward. */
export class ReferenceShell {
  readonly #env: Readonly<Record<string, string>>;
  #cwd: string;

  constructor(projectRoot: string, env: Readonly<Record<string, string>>) {
    this.#cwd = projectRoot;
    this.#env = env;
  }

  get cwd(): string {
    return this.#cwd;
  }

  run(command: string): Promise<ReferenceResult> {
    // The EXIT trap reports where the command ended on fd 3 however it ends, `exit` included.
    const script = `exec 2>&1\ntrap 'pwd -P >&3 2>/dev/null' EXIT\n${command}`;
    const child = spawn('bash', ['-c', script], { cwd: this.#cwd, env: { ...this.#env }, stdio: ['ignore', 'pipe', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    let reported = '';
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdio[3]?.on('data', (chunk: Buffer) => (reported += chunk.toString('utf8')));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => {
        const cwd = reported.trim().split('\n').pop() ?? '';
        if (cwd !== '') this.#cwd = cwd;
        resolve({ output: Buffer.concat(chunks).toString('utf8'), exitCode });
      });
    });
  }
}
