import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../../errors";
import { decodeUtf8 } from "../../text-input";

/** One synthesized stack on disk. */
export interface SynthesizedStack {
  readonly name: string;
  /** Path of its cdk.tf.json, as found (relative when the input was relative). */
  readonly file: string;
}

const NOT_SYNTHESIZED = "run `npx cdktf synth` first";

/**
 * The stacks under a cdktf output directory (read from its manifest.json, else found as
 * stacks/NAME/cdk.tf.json), under one stack's directory, or a single cdk.tf.json file.
 */
export function findSynthesizedStacks(target: string): SynthesizedStack[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new RdoctlError(`${target} does not exist; nothing has been synthesized yet (${NOT_SYNTHESIZED})`);
  }
  if (stat.isFile()) return [{ name: path.basename(path.dirname(path.resolve(target))), file: target }];
  const manifestFile = path.join(target, "manifest.json");
  if (fs.existsSync(manifestFile)) {
    let manifest: { stacks?: Record<string, { name?: string; synthesizedStackPath?: string }> };
    try {
      manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as typeof manifest;
    } catch (err) {
      throw new RdoctlError(`${manifestFile}: not valid JSON (${(err as Error).message}); ${NOT_SYNTHESIZED} again`);
    }
    const stacks = Object.entries(manifest.stacks ?? {}).map(([key, s]) => ({
      name: s.name ?? key,
      file: path.join(target, s.synthesizedStackPath ?? path.join("stacks", key, "cdk.tf.json")),
    }));
    if (stacks.length > 0) return stacks;
  }
  const stacksDir = path.join(target, "stacks");
  if (fs.existsSync(stacksDir)) {
    const stacks = fs
      .readdirSync(stacksDir)
      .sort()
      .map((name) => ({ name, file: path.join(stacksDir, name, "cdk.tf.json") }))
      .filter((s) => fs.existsSync(s.file));
    if (stacks.length > 0) return stacks;
  }
  const single = path.join(target, "cdk.tf.json");
  if (fs.existsSync(single)) return [{ name: path.basename(path.resolve(target)), file: single }];
  throw new RdoctlError(`no synthesized stacks in ${target} (expected manifest.json or stacks/NAME/cdk.tf.json); ${NOT_SYNTHESIZED}`);
}

/** Reads and parses one stack's cdk.tf.json. */
export function readSynthesizedStack(stack: SynthesizedStack): unknown {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(stack.file);
  } catch {
    throw new RdoctlError(`${stack.file}: stack "${stack.name}" is listed in the manifest but its file is missing; ${NOT_SYNTHESIZED}`);
  }
  // Bytes that are not UTF-8 text are named as such, never echoed into the JSON error.
  const text = decodeUtf8(bytes, stack.file);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RdoctlError(`${stack.file}: not valid JSON (${(err as Error).message})`);
  }
}
