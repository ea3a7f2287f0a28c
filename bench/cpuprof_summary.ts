/**
 * Self time by function from a V8 `.cpuprofile` (`deno run --cpu-prof`): the
 * top entries, as shares of the busy time (all samples but `(idle)`), then the
 * same time by source file (Deno's own JS and ops as "deno runtime").
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
const fileOf = new Map<number, string>();
for (const n of prof.nodes) {
  const f = n.callFrame;
  // The path under src/ (two keyspace.ts exist), else the file name.
  const src = f.url.lastIndexOf("/src/");
  const file = src >= 0 ? f.url.slice(src + 5) : f.url.slice(f.url.lastIndexOf("/") + 1);
  const where = f.url ? ` ${file}:${f.lineNumber + 1}` : "";
  nameOf.set(n.id, `${f.functionName || "(anonymous)"}${where}`);
  // Ops (op_write, op_read, op_now) and Deno's ext: modules are the runtime's.
  const runtime = f.functionName.startsWith("op_") || f.url.startsWith("ext:") ||
    f.url.startsWith("node:");
  fileOf.set(n.id, runtime ? "deno runtime" : f.url ? file : f.functionName);
}

const self = new Map<string, number>();
const byFile = new Map<string, number>();
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
  const file = fileOf.get(prof.samples[i])!;
  byFile.set(file, (byFile.get(file) ?? 0) + dt);
}

console.log(`busy ${(busy / 1e3).toFixed(0)} ms, idle ${(idle / 1e3).toFixed(0)} ms`);
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, t] of rows) {
  console.log(`${(100 * t / busy).toFixed(1).padStart(5)}%  ${name}`);
}
console.log("by file:");
for (const [file, t] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 16)) {
  console.log(`${(100 * t / busy).toFixed(1).padStart(5)}%  ${file}`);
}
