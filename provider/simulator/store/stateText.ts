import type { SimState } from "./state";
import { RECORD_LISTS, type Changes } from "./tracking";

/**
 * The state file's text: everything but the call and read logs, which live in files of their own. Each record of a
 * list (a collection, a recovery point, a job, a VM) is one line, so that a transaction that changed one record
 * formats that record again and reuses the text of the others: the work per commit follows what changed, not the
 * size of the cluster. The file stays JSON a person can read and edit, one record a line.
 */
export class StateText {
  /** The last text of each record, by the record object it was made from. */
  private readonly lines = new WeakMap<object, string>();

  /** Forgets the text of the records `changes` names, so that the next {@link format} makes it again. */
  forget(changes: Changes): void {
    for (const record of changes.records) this.lines.delete(record);
  }

  format(state: SimState): string {
    const { calls: _calls, reads: _reads, ...rest } = state;
    // A field set to undefined is left out, as JSON.stringify leaves it out of an object.
    const fields = Object.entries(rest).flatMap(([key, value]) => {
      if (value === undefined) return [];
      const name = JSON.stringify(key);
      if (!RECORD_LISTS.includes(key) || !Array.isArray(value)) return `  ${name}: ${JSON.stringify(value)}`;
      if (value.length === 0) return `  ${name}: []`;
      return `  ${name}: [\n${value.map((record: unknown) => `    ${this.line(record)}`).join(",\n")}\n  ]`;
    });
    return `{\n${fields.join(",\n")}\n}\n`;
  }

  private line(record: unknown): string {
    if (typeof record !== "object" || record === null) return JSON.stringify(record);
    let text = this.lines.get(record);
    if (text === undefined) {
      text = JSON.stringify(record);
      this.lines.set(record, text);
    }
    return text;
  }
}
