/**
 * Regenerates answer-files/ from inventories/ for every release (`npm run answers:regen`),
 * with the deterministic test secret source. Files no longer produced are removed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { exampleAnswerFiles, projectRoot } from "../src/packstack/examples";

const root = projectRoot();
const files = exampleAnswerFiles(root);
const wanted = new Set(files.map((f) => path.basename(f.file)));
const dir = path.join(root, "answer-files");
fs.mkdirSync(dir, { recursive: true });
let changed = 0;
for (const example of files) {
  const target = path.join(root, example.file);
  const before = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
  if (before === example.text) continue;
  fs.writeFileSync(target, example.text, { mode: 0o600 });
  changed++;
  process.stdout.write(`${before === undefined ? "created" : "updated"} ${example.file}\n`);
}
for (const name of fs.readdirSync(dir)) {
  if (name.endsWith(".txt") && !wanted.has(name)) {
    fs.rmSync(path.join(dir, name));
    changed++;
    process.stdout.write(`removed answer-files/${name}\n`);
  }
}
process.stdout.write(`${files.length} answer files, ${changed} changed\n`);
