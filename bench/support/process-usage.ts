import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) and resident memory of a process and every process below it (Linux /proc). */
export interface ProcessUsage {
  cpuMs: number;
  rssBytes: number;
}

// Linux reports CPU in clock ticks of 10 ms (`getconf CLK_TCK` = 100 on every common kernel build).
const msPerTick = 10;
const pageBytes = 4_096;

function readStat(pid: number, path = `/proc/${pid}/stat`): { parent: number; cpuMs: number; rssBytes: number } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      parent: Number(fields[1]),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * msPerTick,
      rssBytes: Number(fields[21]) * pageBytes,
    };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** `pid` and its descendants alive now (a server started through `npx` runs below it). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) children.set(stat.parent, [...(children.get(stat.parent) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

/** The usage of `pid`'s tree now; CPU of descendants that already exited is not counted. */
export function processUsage(pid: number): ProcessUsage {
  let cpuMs = 0;
  let rssBytes = 0;
  for (const member of processTree(pid)) {
    const stat = readStat(member);
    if (!stat) continue;
    cpuMs += stat.cpuMs;
    rssBytes += stat.rssBytes;
  }
  return { cpuMs, rssBytes };
}

/** CPU time of a process's main thread only (its JavaScript; not GC helpers, libuv's pool or worker threads). */
export function mainThreadCpuMs(pid: number): number {
  return readStat(pid, `/proc/${pid}/task/${pid}/stat`)?.cpuMs ?? 0;
}

/** Samples a tree's resident memory every `everyMs` until stopped; the peak it saw. */
export function samplePeakRss(pid: number, everyMs = 200): { stop(): number } {
  let peak = processUsage(pid).rssBytes;
  const timer = setInterval(() => {
    peak = Math.max(peak, processUsage(pid).rssBytes);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, processUsage(pid).rssBytes);
    },
  };
}
