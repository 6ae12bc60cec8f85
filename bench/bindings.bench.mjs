#!/usr/bin/env node
// Provider bindings: shipped compiled with rdoctl, or generated in each own project? Prints what
// each costs: generating every binding module from the schema (wall time, peak RSS, size of the
// TypeScript it writes) against what rdoctl ships in dist/.gen (modules, JavaScript, declarations).
//
//   npm run bench:bindings        (after npm run build)
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function sizes(dir, suffix) {
  let bytes = 0;
  let files = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) {
      bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
      files += 1;
    }
  }
  return { bytes, files };
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-bindings-"));
try {
  const started = performance.now();
  // /usr/bin/time -f %M reports the generator's peak RSS in KB where GNU time is installed.
  const time = fs.existsSync("/usr/bin/time");
  const command = time ? "/usr/bin/time" : process.execPath;
  const args = [...(time ? ["-f", "%M", process.execPath] : []), path.join(root, "node_modules", "zx", "build", "cli.js"), "scripts/gen-provider.mjs", "--out", out];
  const run = spawnSync(command, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (run.status !== 0) throw new Error(`gen-provider failed: ${run.stderr}`);
  const stderr = run.stderr;
  const seconds = (performance.now() - started) / 1000;
  const rssKb = time ? Number(stderr.trim().split("\n").pop()) : NaN;
  const generated = sizes(out, ".ts");
  const shippedDir = path.join(root, "dist", ".gen");
  const js = fs.existsSync(shippedDir) ? sizes(shippedDir, ".js") : { bytes: 0, files: 0 };
  const dts = fs.existsSync(shippedDir) ? sizes(shippedDir, ".d.ts") : { bytes: 0, files: 0 };
  const mb = (b) => (b / 1024 / 1024).toFixed(2);
  console.log(`generate in the consumer: ${generated.files} TypeScript files, ${mb(generated.bytes)} MB, ${seconds.toFixed(1)} s, peak RSS ${Number.isNaN(rssKb) ? "?" : (rssKb / 1024).toFixed(0)} MB (needs @cdktf/provider-generator)`);
  console.log(`shipped with rdoctl (dist/.gen): ${js.files} modules, ${mb(js.bytes)} MB JavaScript, ${mb(dts.bytes)} MB declarations`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
