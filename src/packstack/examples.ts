import * as fs from "node:fs";
import * as path from "node:path";
import { loadInventory } from "../topology/inventory";
import { RELEASES, type Release } from "../topology/model";
import { generateAnswers } from "./answers";
import { packstackDataDir } from "./catalog";
import { DeterministicSecretSource } from "./secrets";

/**
 * The example answer files kept in `answer-files/`: every inventory of `inventories/` × every
 * release, generated with the deterministic test secret source so anyone can regenerate them
 * byte for byte (`npm run answers:regen`); a test fails when the committed files differ.
 */

export interface ExampleAnswerFile {
  /** Path relative to the project root, e.g. `answer-files/all-in-one-2025.1.txt`. */
  readonly file: string;
  readonly inventory: string;
  readonly release: Release;
  readonly text: string;
}

/** The project root (the directory holding data/packstack). */
export function projectRoot(): string {
  return path.dirname(path.dirname(packstackDataDir()));
}

export function exampleInventories(root = projectRoot()): string[] {
  const dir = path.join(root, "inventories");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => path.join("inventories", f));
}

export function exampleAnswerFiles(root = projectRoot()): ExampleAnswerFile[] {
  const out: ExampleAnswerFile[] = [];
  for (const inventory of exampleInventories(root)) {
    const topology = loadInventory(path.join(root, inventory));
    const base = path.basename(inventory, ".yaml");
    for (const release of RELEASES) {
      const { text } = generateAnswers(topology, { release, secrets: new DeterministicSecretSource(topology.name) });
      out.push({ file: path.join("answer-files", `${base}-${release}.txt`), inventory, release, text });
    }
  }
  return out;
}
