/**
 * Run as a separate process by fileStore.test.ts: adds `count` collections named `<prefix>-<i>` to the state file,
 * all at once, to prove that processes sharing a state file lose no updates.
 */
import { HyperVSimulator } from "../../provider/simulator";

async function main(): Promise<void> {
  const [stateFile, prefix, count] = process.argv.slice(2);
  if (!stateFile || !prefix || !count)
    throw new Error("usage: addCollections.worker.ts <stateFile> <prefix> <count>");
  const sim = new HyperVSimulator({ stateFile });
  await Promise.all(
    Array.from({ length: Number(count) }, (_, i) => sim.addCollection({ name: `${prefix}-${i}` })),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
