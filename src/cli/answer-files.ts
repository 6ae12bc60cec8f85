import * as fs from "node:fs";
import * as path from "node:path";
import { generateAnswers, loadCloud } from "../packstack/answers";
import { parseRelease } from "../packstack/catalog";
import { writeAnswerFile } from "../packstack/files";
import { DeterministicSecretSource, withSecretStore, type FileSecretStore, type SecretSource } from "../packstack/secrets";
import type { Release, Topology } from "../topology/model";
import { cloudPaths, ensurePrivateDir, type CloudPaths } from "../workspace";
import { checkOutputFile, writingTo } from "./out-file";

/**
 * Answer files written from a cloud's secrets store. Every file `rdoctl answers` writes from the
 * store is recorded in the cloud's directory (answer-files.json), so `rdoctl secrets set|rotate`
 * can regenerate each one and no answer file keeps a secret the store no longer holds.
 */

export interface WrittenAnswerFile {
  /** Where the file went; undefined when it was printed. */
  readonly file?: string;
  readonly cloud: string;
  readonly release: Release;
  readonly text: string;
  readonly values: Readonly<Record<string, string>>;
  /** The secret source's description. */
  readonly secrets: string;
}

export interface WriteOptions {
  readonly release?: string;
  /** A file, "stdout", or undefined for the cloud directory's answers-<release>.txt. */
  readonly out: string | undefined;
  readonly secretsTest: boolean;
}

interface Registry {
  readonly version: 1;
  readonly files: readonly { readonly file: string; readonly release: Release }[];
}

/** `rdoctl answers INVENTORY`: generates and writes (or prints) the answer file. */
export function writeAnswerFileFor(inventory: string, options: WriteOptions): WrittenAnswerFile {
  // With the answer writer's checks, so problems come with their file:line:column (as validate shows them).
  const requested = options.release ? parseRelease(options.release) : undefined;
  const topology = loadCloud(inventory, requested ? { release: requested } : {});
  const release = requested ?? topology.release;
  const paths = cloudPaths(topology.name);
  const example = `answers-${release}.txt`;
  const out =
    options.out === "stdout" ? undefined : options.out !== undefined ? path.resolve(checkOutputFile(options.out, "--out", example)) : path.join(paths.dir, example);
  // The cloud directory holds secrets: 0700 even when this run writes none (--secrets-test).
  if (options.out === undefined) ensurePrivateDir(paths.dir);
  const shown = options.out !== undefined && options.out !== "stdout" ? options.out : out;
  const write = (secrets: SecretSource): WrittenAnswerFile => {
    const file = generateAnswers(topology, { release, secrets });
    if (out !== undefined) writingTo(shown!, () => writeAnswerFile(out, file.text));
    return { ...(shown !== undefined ? { file: shown } : {}), cloud: file.cloud, release: file.release, text: file.text, values: file.values, secrets: secrets.description };
  };
  if (options.secretsTest) return write(new DeterministicSecretSource(topology.name));
  return withSecretStore(topology.name, (store) => {
    const written = write(store);
    if (out !== undefined) recordAnswerFile(paths, out, release);
    return written;
  });
}

function readRegistry(paths: CloudPaths): Registry {
  try {
    const parsed = JSON.parse(fs.readFileSync(paths.answerFiles, "utf8")) as Registry;
    if (Array.isArray(parsed.files)) return parsed;
  } catch {
    // Missing or unreadable: nothing recorded (the files themselves are still checked by header).
  }
  return { version: 1, files: [] };
}

function saveRegistry(paths: CloudPaths, registry: Registry): void {
  fs.writeFileSync(paths.answerFiles, `${JSON.stringify(registry, null, 2)}\n`, { mode: 0o600 });
}

/** Records `file` (absolute) as written from the store; called with the store's lock held. */
function recordAnswerFile(paths: CloudPaths, file: string, release: Release): void {
  const registry = readRegistry(paths);
  const files = [...registry.files.filter((f) => f.file !== file), { file, release }].sort((a, b) => a.file.localeCompare(b.file));
  writingTo(paths.answerFiles, () => saveRegistry(paths, { version: 1, files }));
}

/** Whether `file` is still an answer file rdoctl wrote for `cloud` (not replaced by something else). */
function isAnswerFileOf(file: string, cloud: string): boolean {
  try {
    const head = fs.readFileSync(file, "utf8").slice(0, 4096);
    const escaped = cloud.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`^# Packstack answer file for cloud "?${escaped}"?, `, "m").test(head) && !head.includes("deterministic test source");
  } catch {
    return false;
  }
}

export interface Regenerated {
  readonly file: string;
  readonly release: Release;
}

/**
 * Regenerates every recorded answer file of the topology's cloud from `store` (held under its
 * lock by the caller), so each holds what the store holds. Files gone or replaced are forgotten.
 */
export function regenerateAnswerFiles(topology: Topology, store: FileSecretStore): { regenerated: Regenerated[]; forgotten: string[] } {
  const paths = cloudPaths(topology.name);
  const registry = readRegistry(paths);
  const regenerated: Regenerated[] = [];
  const forgotten: string[] = [];
  for (const entry of registry.files) {
    if (!isAnswerFileOf(entry.file, topology.name)) {
      forgotten.push(entry.file);
      continue;
    }
    const file = generateAnswers(topology, { release: entry.release, secrets: store });
    writingTo(entry.file, () => writeAnswerFile(entry.file, file.text));
    regenerated.push(entry);
  }
  if (forgotten.length > 0) {
    writingTo(paths.answerFiles, () => saveRegistry(paths, { version: 1, files: registry.files.filter((f) => !forgotten.includes(f.file)) }));
  }
  return { regenerated, forgotten };
}
