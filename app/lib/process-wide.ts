// One value per process, however many copies of a module load it: the production server loads
// app/ twice, once through server.ts (the render cache, the live-progress hub) and once bundled in
// the Remix build (the domain functions that change campaigns). A signal kept in a module-level
// variable would have two sets of listeners, and the domain's news would never reach server.ts.
export function processWide<T>(name: string, make: () => T): T {
  const key = Symbol.for(`tour-de-table.${name}`);
  const slots = globalThis as Record<symbol, unknown>;
  if (!(key in slots)) slots[key] = make();
  return slots[key] as T;
}
