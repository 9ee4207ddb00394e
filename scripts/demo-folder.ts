import * as path from "node:path";

/**
 * What a demo prints last: where the simulated hosts' state stays, and how to look at it with the simulator's CLI.
 * The folder is kept for the reader; it lies in the system's temporary folder.
 */
export function keptFolder(stateFile: string): string {
  const folder = path.dirname(stateFile);
  return [
    `\nThe simulated hosts' state stays in ${folder}. Look at it with:`,
    `  npx hyperv-replica-sim show ${stateFile}`,
    `  npx hyperv-replica-sim calls ${stateFile}`,
    `Remove the folder when done: rm -r ${folder}`,
  ].join("\n");
}
