import { appendFile, readFile, writeFile } from "node:fs/promises";
import { CimError } from "../../cim";
import { fileError, isNotFound } from "./fileProblems";

/**
 * A history kept beside the state file, one JSON line per entry: appending costs the same however long it is, and
 * it is read only when someone asks for it.
 */
export class AppendLog<T> {
  constructor(
    readonly path: string,
    private readonly what: string,
  ) {}

  /** Empties the log, for a new cluster. */
  async clear(): Promise<void> {
    await writeFile(this.path, "", "utf8").catch((error: unknown) => {
      throw fileError(error, `cannot create ${this.what} ${this.path}`, this.path);
    });
  }

  async append(entries: readonly T[]): Promise<void> {
    if (entries.length === 0) return;
    const lines = entries.map((entry) => `${JSON.stringify(entry)}\n`).join("");
    await appendFile(this.path, lines, "utf8").catch((error: unknown) => {
      throw fileError(error, `cannot append to ${this.what} ${this.path}`, this.path);
    });
  }

  async read(): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if (isNotFound(error)) return [];
      throw fileError(error, `cannot read ${this.what} ${this.path}`, this.path);
    }
    const lines = text.split("\n").filter((line) => line !== "");
    return lines.map((line, index) => this.parse(line, index));
  }

  private parse(line: string, index: number): T {
    try {
      return JSON.parse(line) as T;
    } catch (cause) {
      throw new CimError(
        "environment",
        `${this.what} ${this.path}: line ${index + 1} is not valid JSON; remove that line`,
        undefined,
        { cause },
      );
    }
  }
}
