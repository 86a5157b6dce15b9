/**
 * Where a V8 CPU profile (`node --cpu-prof`) spent its time: self time by function and by where
 * the code lives (our `src/` files, each package under node_modules, Node's own internals, GC,
 * idle), the shares of the profiled wall time.
 *
 *   npx tsx bench/support/summarize-cpu-profile.ts <file.cpuprofile> [top functions, default 25] [skip seconds, default 0]
 *
 * Skipping the first seconds leaves the server's start-up (module loading, tsx) out of the shares.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: `src/runs/…`, a package name, `node:internal`, or V8's own (program, GC, idle). */
function placeOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'anonymous'})`;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  const inSource = /\/(src\/[^/]+|bench|test)\//.exec(url);
  if (inSource) return inSource[1]!;
  if (url.startsWith('node:')) return 'node (internals)';
  return url;
}

export function summarizeCpuProfile(profile: Profile, top = 25, skipSeconds = 0): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  let elapsedMs = 0;
  let total = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const id = profile.samples[index]!;
    const ms = (profile.timeDeltas[index] ?? 0) / 1_000;
    elapsedMs += ms;
    if (elapsedMs < skipSeconds * 1_000) continue;
    total += ms;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
  }
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { callFrame } = byId.get(id)!;
    const place = placeOf(callFrame.url, callFrame.functionName);
    const name = `${callFrame.functionName || '(anonymous)'}  ${callFrame.url ? `${callFrame.url.replace(/^.*?(node_modules\/|\/src\/|\/bench\/)/, '$1')}:${callFrame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    places.set(place, (places.get(place) ?? 0) + ms);
  }
  const share = (ms: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`profiled ${(total / 1_000).toFixed(1)} s of wall time${skipSeconds > 0 ? ` after the first ${skipSeconds} s` : ''}`, '', 'self time by place:'];
  for (const [place, ms] of [...places].sort((left, right) => right[1] - left[1]).slice(0, 20)) lines.push(`  ${share(ms)}  ${place}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [name, ms] of [...functions].sort((left, right) => right[1] - left[1]).slice(0, top)) lines.push(`  ${share(ms)}  ${name}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top, skip] = process.argv.slice(2);
  if (!file) throw new Error('usage: summarize-cpu-profile.ts <file.cpuprofile> [top]');
  console.log(summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top ?? 25), Number(skip ?? 0)));
}
