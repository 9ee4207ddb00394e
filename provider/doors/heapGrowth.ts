/**
 * How far V8 lets a plugin's heap grow before its next full collection. V8 sets the next limit at the live heap times
 * a factor it picks from the collector's speed, up to 4 on a machine with memory to spare; `--heap-growing-percent`
 * fixes the factor instead ("factor = 1.0 + v8_flags.heap_growing_percent / 100.0", V8's heap-controller.cc,
 * `MemoryController::GrowingFactor`, read each time it sets a limit, so that setting it at run time holds).
 *
 * A thousand failovers at once leave about 110 MB live in the plugin, and V8's own factor let its RSS reach 400 to
 * 500 MB before collecting. At 1.5 the plugins peaked at 249 to 289 MB, for 2 to 42 % more plugin CPU in that batch
 * (the native plugin's the most), and no difference at a hundred (bench:scale, 7 December 2026; docs/how-it-works.md).
 * Unlike a heap limit (`--max-old-space-size`), it never ends the process: a batch that needs more memory gets it.
 *
 * Node.js does not take this V8 option from NODE_OPTIONS, so a plugin sets it itself, through `v8.setFlagsFromString`.
 * The dynamic provider's plugin belongs to @pulumi/pulumi, and the setting holds for every dynamic provider it hosts.
 */
import { setFlagsFromString } from "node:v8";

const HEAP_GROWTH_PERCENT = 50;

let bounded = false;

/** Once per process. */
export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
}
