/** Reading and writing the simulator's state file, and the checks made before its lock is taken. */
import { randomBytes } from "node:crypto";
import { access, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { CimError } from "../../cim";
import { checkFileWritable, checkFolderWritable, fileError, isNotFound } from "./fileProblems";

export function missingStateFile(path: string): CimError {
  return new CimError(
    "environment",
    `simulator state file ${path} does not exist; create it first (HyperVSimulator.init or the CLI)`,
  );
}

/**
 * Checked before locking because the lock would wait its whole patience on a missing or read-only folder. The
 * checks run together; a missing file is reported before a problem with its folder.
 */
export async function checkBeforeLocking(path: string): Promise<void> {
  const [file, folder] = await Promise.allSettled([
    access(path).catch((error: unknown) => {
      throw isNotFound(error)
        ? missingStateFile(path)
        : fileError(error, `cannot read simulator state file ${path}`, path);
    }),
    checkFolderWritable(path),
  ]);
  if (file.status === "rejected") throw file.reason;
  if (folder.status === "rejected") throw folder.reason;
}

/** The file's bytes, or undefined when it does not exist. */
export async function readStateFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw fileError(error, `cannot read simulator state file ${path}`, path);
  }
}

/** Writes a temporary file and renames it over the old one, so that a crash never leaves half a state. */
export async function writeStateFile(path: string, text: Buffer): Promise<void> {
  await checkFileWritable(path);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw fileError(error, `cannot write simulator state file ${path}`, path);
  }
}
