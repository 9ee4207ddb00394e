/**
 * Unpacks a plugin tarball by the rules of Pulumi's own extractor (`ExtractTGZ` in pulumi/pulumi
 * sdk/go/common/util/archive/archive.go, as `pulumi plugin install --file` ran it before v3.247): a directory entry
 * is made with mode 0700, a regular file is written with the mode its header gives, and any other entry fails the
 * install with "unexpected plugin file type <name> (<flag>)". Go's tar reader would also fold pax and GNU long-name
 * headers into the entry that follows; this reader refuses them too, so that the tarball needs neither.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

const BLOCK = 512;

const text = (block: Buffer, start: number, length: number) =>
  block
    .subarray(start, start + length)
    .toString("utf8")
    .replace(/\0.*$/s, "");
const octal = (block: Buffer, start: number, length: number) =>
  parseInt(text(block, start, length).trim() || "0", 8);

export interface Entry {
  readonly name: string;
  /** The tar type flag: "0" (or NUL) a regular file, "5" a directory, "2" a symlink, and so on. */
  readonly type: string;
  readonly mode: number;
}

/** Every entry of a gzipped tar, in order. */
export function entriesOf(tarball: Buffer): { entry: Entry; content: Buffer }[] {
  const tar = zlib.gunzipSync(tarball);
  const entries: { entry: Entry; content: Buffer }[] = [];
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const prefix = text(header, 345, 155);
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const size = octal(header, 124, 12);
    const type = header.toString("latin1", 156, 157);
    const content = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    entries.push({ entry: { name, type, mode: octal(header, 100, 8) }, content });
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

/** Unpacks into `dir` as Pulumi does; throws Pulumi's error on the first entry it would refuse. */
export function extractLikePulumi(tarball: Buffer, dir: string): void {
  for (const { entry, content } of entriesOf(tarball)) {
    const target = path.join(dir, entry.name);
    if (entry.type === "5") fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (entry.type === "0" || entry.type === "\0") {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, content, { mode: entry.mode });
    } else {
      throw new Error(`unexpected plugin file type ${entry.name} (${entry.type.charCodeAt(0)})`);
    }
  }
}
