// bench/profile: where a V8 CPU profile (node --cpu-prof, e.g. bench/pledges.ts --profile DIR) spent
// its time: the functions with the most self time, and the packages and our own folders by self time.
//
//   npx tsx bench/profile.ts DIR/CPU.….cpuprofile [--top 30]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  options: { top: { type: "string", default: "30" } },
  allowPositionals: true,
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (node_modules/x or @scope/x), our folder (app/x, db), node's own, or V8's. */
function areaOf(url: string): string {
  if (!url) return "(V8: gc, program, idle)";
  if (url.startsWith("node:")) return url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  const ours = /\/(app\/[^/]+|db|build\/server|server\.ts)/.exec(url);
  return ours ? ours[1]! : url;
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id)!;
    const name = `${callFrame.functionName || "(anonymous)"} ${areaOf(callFrame.url)}:${callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const area = areaOf(callFrame.url);
    areas.set(area, (areas.get(area) ?? 0) + micros);
  }
  const percent = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)} %`;
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log("\nby area (self time):");
  for (const [area, micros] of top(areas, 20)) console.log(`${percent(micros)}  ${area}`);
  console.log("\nby function (self time):");
  for (const [name, micros] of top(functions, Number(values.top))) console.log(`${percent(micros)}  ${name}`);
}
