/**
 * What a plugin process does once it serves the engine, through either door: it leaves when the engine does, ending
 * its PowerShell processes (lifeline.ts), and it keeps its heap close to what it holds (heapGrowth.ts).
 */
import { boundHeapGrowth } from "./heapGrowth";
import { terminatePowerShell, watchEngine } from "./lifeline";

export function settlePluginProcess(): void {
  watchEngine(terminatePowerShell);
  boundHeapGrowth();
}
