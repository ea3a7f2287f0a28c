/**
 * Self time by function from a V8 `.cpuprofile` (`deno run --cpu-prof`): the
 * top entries, as shares of the busy time (all samples but `(idle)`).
 *
 *   deno run -A bench/cpuprof_summary.ts FILE.cpuprofile [top=30]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = Deno.args;
const top = Number(topArg ?? 30);
const prof: Profile = JSON.parse(await Deno.readTextFile(file));

const nameOf = new Map<number, string>();
for (const n of prof.nodes) {
  const f = n.callFrame;
  const where = f.url ? ` ${f.url.slice(f.url.lastIndexOf("/") + 1)}:${f.lineNumber + 1}` : "";
  nameOf.set(n.id, `${f.functionName || "(anonymous)"}${where}`);
}

const self = new Map<string, number>();
let busy = 0;
let idle = 0;
for (let i = 0; i < prof.samples.length; i++) {
  // A sample's time is the delta to the next sample.
  const dt = prof.timeDeltas[i + 1] ?? 0;
  const name = nameOf.get(prof.samples[i])!;
  if (name === "(idle)") {
    idle += dt;
    continue;
  }
  busy += dt;
  self.set(name, (self.get(name) ?? 0) + dt);
}

console.log(`busy ${(busy / 1e3).toFixed(0)} ms, idle ${(idle / 1e3).toFixed(0)} ms`);
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, t] of rows) {
  console.log(`${(100 * t / busy).toFixed(1).padStart(5)}%  ${name}`);
}
