/**
 * Preloaded into a plugin process (NODE_OPTIONS=--require) by test/e2e/twoProcesses.test.ts, to force one
 * interleaving of two real plugin processes on the shared simulated host: B looks for running failover jobs and
 * finds none, then A calls, then B calls. It holds calls back only while the test's `force` marker file exists, and
 * only the first look and the first failover call of each run; it never changes what the host answers.
 *
 * HVR_E2E_ROLE is `A` or `B`; HVR_E2E_MARKERS the folder of marker files; HVR_E2E_SESSION the simulator session
 * module the plugin loads (the same file, so the same class).
 */
const fs = require("node:fs");
const path = require("node:path");
const { setTimeout: sleep } = require("node:timers/promises");

const role = process.env.HVR_E2E_ROLE;
const markers = process.env.HVR_E2E_MARKERS;
const { SimulatorSession } = require(process.env.HVR_E2E_SESSION);
const FAILOVER_METHODS = ["InitiateFailover", "RevertFailover", "CommitFailover"];

const marker = (name) => path.join(markers, name);
const forced = () => fs.existsSync(marker("force"));

/** Waits for a marker file, at most 20 s: a run that never gets there must not hang the test forever. */
async function waitFor(name) {
  for (let waited = 0; waited < 20_000 && !fs.existsSync(marker(name)); waited += 10) await sleep(10);
}

const associators = SimulatorSession.prototype.associators;
SimulatorSession.prototype.associators = async function (ref, options, callOptions) {
  const result = await associators.call(this, ref, options, callOptions);
  // Only B's first look is marked, with how many unfinished failover jobs (JobType 97-99, JobState below 7) it saw.
  const first = !fs.existsSync(marker("b-looked"));
  if (role === "B" && forced() && first && options.association === "Msvm_AffectedJobElement") {
    const running = result.filter(
      (job) => [97, 98, 99].includes(job.properties.JobType) && job.properties.JobState < 7,
    );
    fs.writeFileSync(marker("b-looked"), String(running.length));
  }
  return result;
};

const invoke = SimulatorSession.prototype.invoke;
SimulatorSession.prototype.invoke = async function (target, method, args, options) {
  if (!forced() || !FAILOVER_METHODS.includes(method))
    return invoke.call(this, target, method, args, options);
  if (role === "A" && !fs.existsSync(marker("a-called"))) {
    await waitFor("b-looked");
    const result = await invoke.call(this, target, method, args, options);
    fs.writeFileSync(marker("a-called"), String(result.returnValue));
    return result;
  }
  if (role === "B" && !fs.existsSync(marker("b-called"))) {
    await waitFor("a-called");
    fs.writeFileSync(marker("b-called"), "");
  }
  return invoke.call(this, target, method, args, options);
};
