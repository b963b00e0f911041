/** The machine a benchmark ran on, as the reader needs it to judge the figures. */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the benchmarks started: other work skews every figure. */
  readonly loadAverage: number;
}

function fieldOf(path: string, pattern: RegExp): string | null {
  if (!existsSync(path)) return null;
  const match = pattern.exec(readFileSync(path, 'utf8'));
  return match?.[1]?.trim() ?? null;
}

export function describeMachine(): Machine {
  const distro = fieldOf('/etc/os-release', /^PRETTY_NAME="?([^"\n]*)"?$/m);
  return {
    cpu: fieldOf('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m) ?? cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${distro === null ? '' : `${distro}, `}${type()} ${release()} ${process.arch}`,
    loadAverage: loadavg()[0] ?? 0,
  };
}

export function machineTable(machine: Machine): string {
  return [
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${machine.cpu} |`,
    `| cores | ${machine.cores} |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| Node | ${machine.node} |`,
    `| OS | ${machine.os} |`,
    `| load average (1 min) at start | ${machine.loadAverage.toFixed(2)} |`,
    '',
  ].join('\n');
}
