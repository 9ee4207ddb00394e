/**
 * A vitest reporter that prints the ten slowest test files when a run ends, so that whoever runs the suite sees where
 * its time goes. A file's time is its import plus its tests and hooks, as vitest measured them.
 */
import * as path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 10;

export default class SlowestFiles implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const timed = modules
      .map((m) => {
        const d = m.diagnostic();
        return { file: path.relative(process.cwd(), m.moduleId), ms: d.collectDuration + d.duration };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    if (timed.length === 0) return;
    const lines = timed.map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.file}`);
    process.stdout.write(`\nThe ${timed.length} slowest test files:\n${lines.join("\n")}\n`);
  }
}
