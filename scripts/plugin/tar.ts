/**
 * A gzipped tar of regular files, written here rather than by the system's `tar`, so that every agent gets the same
 * archive: ustar headers, one entry per file with the mode given, owner 0 and a fixed time, and no link, device or
 * extended header of any kind. Pulumi's extractor (`archive.ExtractTGZ`) refuses entries other than directories and
 * regular files, in every version before 3.247.
 */
import * as zlib from "node:zlib";

export interface TarFile {
  /** A relative path with forward slashes. */
  readonly path: string;
  readonly mode: number;
  readonly content: Buffer;
}

const BLOCK = 512;
/** 2000-01-01: a fixed time, so that the same files make the same archive. */
const MTIME = 946_684_800;

/** One ustar header; `name` splits into prefix/name where it is longer than the name field. */
function header(path: string, mode: number, size: number, type: "0" | "5"): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitPath(path);
  block.write(name, 0, 100, "utf8");
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, MTIME);
  block.fill(" ", 148, 156);
  block.write(type, 156, 1, "ascii");
  block.write("ustar\u000000", 257, 8, "ascii");
  block.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "ascii");
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, "0")}\u0000`, offset, length, "ascii");
}

function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ["", path];
  const cut = path.lastIndexOf("/", 155);
  const [prefix, name] = [path.slice(0, cut), path.slice(cut + 1)];
  if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) {
    throw new Error(`${path}: too long for a ustar header (name 100 bytes, prefix 155)`);
  }
  return [prefix, name];
}

/** The directories that hold `files`, parents first, each listed once as an entry of its own. */
function directoriesOf(files: readonly TarFile[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/").slice(0, -1);
    parts.forEach((_, i) => dirs.add(`${parts.slice(0, i + 1).join("/")}/`));
  }
  return [...dirs].sort();
}

export function tarGz(files: readonly TarFile[]): Buffer {
  const blocks: Buffer[] = directoriesOf(files).map((dir) => header(dir, 0o755, 0, "5"));
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    blocks.push(header(file.path, file.mode, file.content.length, "0"), file.content);
    const padding = (BLOCK - (file.content.length % BLOCK)) % BLOCK;
    blocks.push(Buffer.alloc(padding));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return zlib.gzipSync(Buffer.concat(blocks), { level: 9 });
}
