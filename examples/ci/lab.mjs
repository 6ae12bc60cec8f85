#!/usr/bin/env node
// Lab hosts for the CI examples (github-actions.yml, gitlab-ci.yml): the project's SSH lab
// (test/lab), kept up after this script exits, its inventory written where the pipeline says,
// and with --openstack the lab's Packstack starting real OpenStack services (issue 8's venv,
// built or reused by scripts/openstack-venv.mjs). Needs root (network namespaces).
//   node examples/ci/lab.mjs up --hosts 1 --openstack --inventory lab/inventory.yaml
//   node examples/ci/lab.mjs down --inventory lab/inventory.yaml
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { register } from "tsx/cjs/api";
import { argv, echo } from "zx";

register();
const require = createRequire(import.meta.url);
const lab = require("../../test/lab/lab.ts");
const inventory = require("../../test/lab/inventory.ts");

const file = resolve(String(argv.inventory ?? "lab/inventory.yaml"));
const idFile = `${file}.lab-id`;

async function up() {
  const support = lab.isLabSupported();
  if (!support.ok) {
    echo(`lab: cannot run here: ${support.reason}`);
    process.exit(1);
  }
  const count = Number(argv.hosts ?? 1);
  let venv;
  if (argv.openstack) {
    const { ensureOpenStackVenv } = require("../../test/lab/openstack-cloud.ts");
    venv = await ensureOpenStackVenv(String(argv.release ?? "2025.1"), (line) => echo(line));
  }
  const running = await lab.startLab({ hosts: Array.from({ length: count }, () => ({ delayScale: 0 })), name: "ci example", persistent: true });
  if (venv) {
    const { enableRealOpenStack } = require("../../test/lab/openstack-cloud.ts");
    enableRealOpenStack(running, venv);
  }
  mkdirSync(dirname(file), { recursive: true });
  // Heat on: the app's app-template stack needs it (synth checks that for every stack).
  const spec = inventory.labCloudSpec(running, String(argv.name ?? "lab"));
  inventory.writeLabInventory(file, { ...spec, services: { ...spec.services, heat: { enabled: true } } });
  writeFileSync(idFile, `${running.id}\n`);
  echo(`lab ${running.id}: ${count} host(s)${venv ? " with real OpenStack services" : ""}; inventory ${file}`);
}

async function down() {
  if (!existsSync(idFile)) {
    echo(`lab: no lab recorded beside ${file}; nothing to stop`);
    return;
  }
  const id = readFileSync(idFile, "utf8").trim();
  await lab.stopLabById(id);
  rmSync(idFile, { force: true });
  echo(`lab ${id}: stopped`);
}

const commands = { up, down };
const command = commands[argv._[0]];
if (!command) {
  echo("usage: lab.mjs up [--hosts N] [--openstack] [--release R] [--name CLOUD] --inventory FILE | down --inventory FILE");
  process.exit(2);
}
await command();
