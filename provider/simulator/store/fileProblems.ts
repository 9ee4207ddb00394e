import { access, constants, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { CimError } from "../../cim";

/**
 * What can go wrong with a simulator state file on disk, each said in words that name the file and the fix. Every
 * error here is a CimError("environment"): the provider shows its message as it is, with no generic advice.
 */

const code = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

export const isNotFound = (error: unknown) => code(error) === "ENOENT";

const environment = (message: string, cause?: unknown) =>
  new CimError("environment", message, undefined, cause === undefined ? undefined : { cause });

/**
 * The file, or its folder, refused an operation: say which, and what to do about it. `what` is the failed action
 * with the file it concerns, for example `cannot write simulator state file /x/cluster.json`.
 */
export function fileError(error: unknown, what: string, path: string): CimError {
  if (error instanceof CimError) return error;
  const errno = code(error);
  switch (errno) {
    case "EACCES":
      return environment(
        `${what} (EACCES, permission denied): give the user running it read and write access to the file and its folder ${dirname(path)}`,
        error,
      );
    case "EPERM":
      return environment(
        `${what} (EPERM, operation not permitted): the file or its folder is probably immutable (lsattr shows an "i"); clear that with chattr -i, or use another state file`,
        error,
      );
    case "EROFS":
      return environment(`${what}: its file system is mounted read-only; use a state file elsewhere`, error);
    case "ENOSPC":
    case "EDQUOT":
      return environment(`${what}: the disk is full (${errno}); free some space and run again`, error);
    default:
      return environment(`${what}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

const noWriteBits = (mode: number) => (mode & 0o222) === 0;

/**
 * Refuses a read-only folder before anything is written into it (the lock included). The mode bits are checked
 * as well as access(2), because root passes access(2) even where the owner took write permission away on purpose.
 */
export async function checkFolderWritable(path: string): Promise<void> {
  const folder = dirname(path);
  let mode: number;
  try {
    mode = (await stat(folder)).mode;
    await access(folder, constants.W_OK);
  } catch (error) {
    if (isNotFound(error)) {
      throw environment(
        `the folder ${folder} of simulator state file ${path} does not exist; create it first`,
      );
    }
    throw fileError(error, `cannot use the folder of simulator state file ${path}`, path);
  }
  if (noWriteBits(mode)) {
    throw environment(
      `the folder ${folder} of simulator state file ${path} is read-only; make it writable (chmod u+w) or use a state file elsewhere`,
    );
  }
}

/** Refuses to replace a read-only file: renaming a new copy over it would succeed and silently ignore its mode. */
export async function checkFileWritable(path: string): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
    await access(path, constants.W_OK);
  } catch (error) {
    if (isNotFound(error)) return;
    throw fileError(error, `cannot write simulator state file ${path}`, path);
  }
  if (noWriteBits(mode)) {
    throw environment(
      `simulator state file ${path} is read-only, so it is left unchanged; make it writable (chmod u+w) to let the simulator record changes`,
    );
  }
}
