/**
 * CPU time of the server under test, read from /proc so the load generator's own CPU (on the
 * same cores) does not blur the per-core figures. A process counts with all its descendants
 * (the stack's instances run under `setsid node`). Linux only; USER_HZ is 100 on every
 * mainstream kernel (`getconf CLK_TCK`).
 */
import { readdirSync, readFileSync } from 'node:fs';

const USER_HZ = 100;

interface ProcStat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** The pids given and all their live descendants. */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const all = new Set<number>();
  const visit = (pid: number) => {
    if (all.has(pid)) return;
    all.add(pid);
    (children.get(pid) ?? []).forEach(visit);
  };
  roots.forEach(visit);
  return [...all];
}

/** utime + stime, in seconds, summed over `roots` and their descendants. */
export function cpuSeconds(roots: readonly number[]): number {
  return processTree(roots).reduce((sum, pid) => sum + (readStat(pid)?.ticks ?? 0), 0) / USER_HZ;
}
