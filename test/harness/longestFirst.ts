/**
 * The order in which vitest starts the test files: the longest first, whatever project they are in, so that no long
 * file starts last and runs on alone; then the quick files, those that need a fork of their own before those that
 * share one. A shared fork (`isolate: false`) is handed on only to the next file in the queue, and only when that file
 * shares forks too: kept together, the quick files import their modules once per fork instead of once per file.
 *
 * How long a file takes is what the last run measured (vitest's results cache). A file without a measurement (a new
 * one, or every file of a clean clone) counts as long, and those keep vitest's own order: the largest first.
 */
import * as path from "node:path";
import type { TestSpecification } from "vitest/node";
import { BaseSequencer } from "vitest/node";

/** A file this long is worth starting early: several times a fork's start and its imports. */
const LONG_MS = 5_000;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const measured = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(
        `${spec.project.name}:${path.relative(this.ctx.config.root, spec.moduleId)}`,
      )?.duration;
    const rank = (spec: TestSpecification) => {
      const ms = measured(spec);
      if (ms === undefined) return { tier: 0, ms: Infinity };
      if (ms >= LONG_MS) return { tier: 1, ms };
      return { tier: spec.project.config.isolate ? 2 : 3, ms };
    };
    // Groups (sequence.groupOrder) still run one after the other; within one, the tiers above, longest first.
    return sorted
      .map((spec, i) => ({ spec, i, ...rank(spec) }))
      .sort(
        (a, b) =>
          a.spec.project.config.sequence.groupOrder - b.spec.project.config.sequence.groupOrder ||
          a.tier - b.tier ||
          b.ms - a.ms ||
          a.i - b.i,
      )
      .map(({ spec }) => spec);
  }
}
