/**
 * Ends the plugin when the engine that started it is gone, so that no plugin and no PowerShell process outlives a
 * killed `pulumi up`. Both doors run inside a process the engine started: the native plugin is ours, and the dynamic
 * provider's runtime loads inside `@pulumi/pulumi`'s plugin, whose uncaught-exception handler (3.270) writes to
 * stderr: once the engine has closed that pipe, each write raises EPIPE, which is uncaught again, in a loop that
 * spins at full CPU and never reaches a timer. An `error` listener on stdout and stderr ends that loop at its
 * first turn, and a poll of the parent process catches an engine that died while nothing was being written.
 */

const POLL_MS = 1000;
/** Killing PowerShell process trees is quick; a stuck one must not keep an orphan alive. */
const CLEANUP_MS = 3000;

let watching = false;

/** Ends every PowerShell process this one started; the bridge loads with its first session, so it is loaded here. */
export async function terminatePowerShell(): Promise<void> {
  await (await import("../powershell/index.js")).terminateAllPools();
}

/** Watches the engine, once per process; when it is gone, runs `cleanup` (bounded) and exits. */
export function watchEngine(cleanup: () => Promise<void>): void {
  if (watching) return;
  watching = true;
  const parent = process.ppid;
  let leaving = false;
  const leave = () => {
    if (leaving) return;
    leaving = true;
    clearInterval(timer);
    const bounded = new Promise<void>((resolve) => setTimeout(resolve, CLEANUP_MS).unref());
    void Promise.race([cleanup().catch(() => undefined), bounded]).then(() => process.exit(1));
  };
  process.stdout.on("error", leave);
  process.stderr.on("error", leave);
  const timer = setInterval(() => {
    if (!parentAlive(parent)) leave();
  }, POLL_MS);
  timer.unref();
}

/**
 * On Linux and macOS an orphan is re-parented (to init or a subreaper), so `process.ppid` changes; on Windows it
 * keeps the dead parent's pid, which then no longer answers a signal 0.
 */
function parentAlive(parent: number): boolean {
  if (process.ppid !== parent) return false;
  try {
    process.kill(parent, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
