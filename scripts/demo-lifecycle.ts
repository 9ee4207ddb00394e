/**
 * `npm run demo:lifecycle`: the whole life of a replicated VM group on the simulator's two sites (east and west),
 * through the real Pulumi dynamic-provider plugin: the group is made, replicated (the initial copy's progress is
 * shown), drilled, moved to west, moved back, and its replication removed. After each `pulumi up` it prints every
 * WMI call each host received. examples/dr-lifecycle is the same program for `pulumi up`.
 */
import { parseProgressLine } from "../provider/hyperv/progress";
import { keptFolder } from "./demo-folder";
import { runLifecycle } from "./lifecycle/run";

async function main(): Promise<void> {
  const run = await runLifecycle({
    print: (line) => console.log(line),
    onPluginLine: (line) => {
      // Every job's progress, as `pulumi up` shows it: the initial copy's moves, the others end at once.
      const progress = parseProgressLine(line);
      if (progress === undefined || progress.ended || line.includes("StartReplication"))
        console.log(`    | ${line}`);
    },
  });
  const calls = run.steps.reduce((n, s) => n + s.calls.length, 0);
  console.log(`${run.steps.length} runs, ${calls} calls.`);
  console.log(keptFolder(run.stateFile));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
