// Usage: node .ci/summary.mjs LABEL=vitest.json ... Prints one line per test run, then the runs combined as the
// plain last line CI reads. A run that left no report counts as a failure.
import { existsSync, readFileSync } from "node:fs";

const total = { passed: 0, failed: 0, skipped: 0, psPassed: 0, psSkipped: 0 };
const failures = [];
const REPO = process.cwd() + "/";
/** The first lines of a failure, for the short tail of CI's output that is kept. */
const brief = (text) =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, 6)
    .map((l) => `      ${l.slice(0, 240)}`)
    .join("\n");
// The PowerShell bridge tests must run in CI, never skip: their count is on every line, and a skip fails the run.
const line = (c) =>
  `tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped; ` +
  `PowerShell: ${c.psPassed} passed, ${c.psSkipped} skipped`;

for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.split("=");
  if (!existsSync(file)) {
    console.log(`${label}: no test report (${file}); the run did not finish`);
    process.exitCode = 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  const ps = r.testResults
    .filter((f) => f.name.includes("/test/powershell/"))
    .flatMap((f) => f.assertionResults.map((a) => a.status));
  const counts = {
    passed: r.numPassedTests,
    failed: r.numFailedTests,
    skipped: r.numPendingTests + r.numTodoTests,
    psPassed: ps.filter((s) => s === "passed").length,
    psSkipped: ps.filter((s) => s !== "passed" && s !== "failed").length,
  };
  if (counts.psSkipped > 0) process.exitCode = 1;
  for (const f of r.testResults) {
    const file = f.name.replace(REPO, "");
    // A file that failed outside its tests (an import, a hook) has no failed assertion to carry the message.
    if (f.status === "failed" && f.message) failures.push(`${label} ${file}\n${brief(f.message)}`);
    for (const a of f.assertionResults.filter((x) => x.status === "failed")) {
      failures.push(`${label} ${file} > ${a.fullName}\n${brief(a.failureMessages.join("\n"))}`);
    }
  }
  console.log(`${label}: ${line(counts)}`);
  for (const key of Object.keys(total)) total[key] += counts[key];
}
// The failures come before the totals, so that the end of a long log still says what failed and why: at most 20
// of them, each with the first lines of its message.
if (failures.length > 0) {
  console.log(`${failures.length} failed:`);
  for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
  if (failures.length > 20) console.log(`  ... and ${failures.length - 20} more (the test reports in .tmp/)`);
}
// The last line is the plain summary CI reads; its skipped count includes the PowerShell tests, so "0 skipped" there
// also says that none of them was skipped.
console.log(`PowerShell, all runs: ${total.psPassed} passed, ${total.psSkipped} skipped`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
