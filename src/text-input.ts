import * as fs from "node:fs";
import { fileSystemError, isErrnoException, RdoctlError } from "./errors";

/**
 * Reads a text file the operator gave rdoctl (an inventory, an answer file): it must exist, be a
 * regular file of a sane size and hold UTF-8 text. Anything else is one line naming the file and
 * what to do, before a parser sees bytes it would echo back raw or chew on for seconds.
 */

/**
 * The largest input read. An inventory of a few hundred hosts or a complete answer file is well
 * under 1 MiB; a 5 MB inventory took 17 s and 775 MB to parse, so bigger inputs are refused.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** "1.0 MiB", "5.2 MiB", "812 KiB". */
function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/** `what` names the kind of file in messages: "inventory", "answer file". */
export function readTextInput(file: string, what: string, maxBytes: number = MAX_INPUT_BYTES): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new RdoctlError(`${file}: ${what} not found`, 1, "input-file");
    if (isErrnoException(err)) throw fileSystemError(err, { path: file, action: `read the ${what}` });
    throw err;
  }
  if (stat.isDirectory()) throw new RdoctlError(`${file}: is a directory, not an ${what}`, 1, "input-file");
  if (!stat.isFile()) throw new RdoctlError(`${file}: not a regular file; give the ${what} itself`, 1, "input-file");
  if (stat.size > maxBytes) {
    throw new RdoctlError(`${file}: ${size(stat.size)} is too large for an ${what} (at most ${size(maxBytes)}); is this the right file?`, 1, "input-too-large");
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (isErrnoException(err)) throw fileSystemError(err, { path: file, action: `read the ${what}` });
    throw err;
  }
  return decodeUtf8(bytes, file);
}

/** The text of `bytes`, or an error saying where they stop being UTF-8 text. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const notText = (why: string): RdoctlError => new RdoctlError(`${file}: not a UTF-8 text file (${why}); save it as UTF-8 text`, 1, "not-utf8");
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw notText("it is UTF-16");
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw notText(`a NUL byte on line ${lineAt(bytes, nul)}: binary data`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw notText(`byte 0x${bytes[offset]!.toString(16).padStart(2, "0")} on line ${lineAt(bytes, offset)} is not UTF-8`);
  }
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1) {
      const sequence = bytes.subarray(i, i + length);
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(sequence);
      } catch {
        return i;
      }
    }
    i += length;
  }
  return bytes.length;
}
