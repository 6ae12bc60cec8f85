#!/usr/bin/env node
// The rdoctl test lab for humans: N CentOS-Stream-9-looking OpenSSH hosts on this machine to try
// `rdoctl install` against (test/lab/README.md).
//   node scripts/lab.mjs up [N] [--delay-scale=X] [--openstack[=RELEASE]]
//                                                   start a lab that stays up after this exits, and write
//                                                   its inventory.yaml with the `rdoctl install` command;
//                                                   --openstack: its Packstack starts real OpenStack services
//   node scripts/lab.mjs status                     list labs, their hosts and whether sshd answers
//   node scripts/lab.mjs down [ID...]               tear down the given labs (default: `up` and stale labs)
//   node scripts/lab.mjs shell HOST [ID]            a root shell inside a host (all its namespaces)
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { argv, chalk, echo } from "zx";
import { register } from "tsx/cjs/api";

// The lab is TypeScript (CommonJS like the project); tsx compiles it on require.
register();
const require = createRequire(import.meta.url);
const lab = require("../test/lab/lab.ts");
const registry = require("../test/lab/registry.ts");
const inventory = require("../test/lab/inventory.ts");
const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));

function usage(code) {
  echo("usage: lab.mjs up [N] [--delay-scale=X] [--openstack[=RELEASE]] | status | down [ID...] | shell HOST [ID]");
  process.exit(code);
}

async function up() {
  const support = lab.isLabSupported();
  if (!support.ok) {
    echo(chalk.red(`lab: cannot run here: ${support.reason}`));
    process.exit(1);
  }
  const count = Number(argv._[1] ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > 240) usage(2);
  const delayScale = argv["delay-scale"] === undefined ? undefined : Number(argv["delay-scale"]);
  const started = Date.now();
  const running = await lab.startLab({
    hosts: Array.from({ length: count }, () => (delayScale === undefined ? {} : { delayScale })),
    name: "lab up",
    persistent: true,
  });
  echo(chalk.green(`lab ${running.id}: ${count} host(s) up in ${Date.now() - started} ms`));
  for (const host of running.hosts) {
    echo(`  ${host.name.padEnd(10)} ${host.address.padEnd(14)} ${host.fqdn.padEnd(28)} ${host.hostKeyFingerprint}`);
  }
  echo("");
  echo(`  client key    ${running.clientKeyFile}`);
  echo(`  known_hosts   ${running.knownHostsFile}`);
  echo(`  ssh config    ${running.sshConfigFile}`);
  echo(`  try           ssh -F ${running.sshConfigFile} ${running.hosts[0].name} hostnamectl`);
  echo(`  stop          node scripts/lab.mjs down ${running.id}`);
  if (argv.openstack) {
    // Real OpenStack services (test/lab/README.md "Real OpenStack"): the lab's Packstack starts them from this venv.
    const release = argv.openstack === true ? "2025.1" : String(argv.openstack);
    const openstackCloud = require("../test/lab/openstack-cloud.ts");
    const venv = await openstackCloud.ensureOpenStackVenv(release, (line) => echo(chalk.gray(line)));
    openstackCloud.enableRealOpenStack(running, venv);
    echo(`  openstack     real services ${release} from ${venv}`);
  }
  writeInventory(running);
}

/**
 * The inventory of the whole lab (test/lab/inventory.ts) in the lab's state directory, and the
 * command that installs it. rdoctl's state goes to the lab directory too (RDOCTL_HOME), so it
 * leaves with `down` and never mixes with the checkout's `.rdoctl/`. HOME stays: host keys are
 * pinned, so rdoctl writes nothing to ~/.ssh.
 */
function writeInventory(running) {
  const dir = registry.labDir(running.id);
  const file = join(dir, "inventory.yaml");
  inventory.writeLabInventory(file, inventory.labCloudSpec(running, "lab"));
  const roles = inventory.labRoles(running.hosts.length).map((r, i) => `${running.hosts[i].name}: ${r.join("+")}`);
  // npx finds rdoctl only inside the checkout; elsewhere it would look it up on the registry.
  const rdoctl = process.cwd() === REPO ? "npx rdoctl" : `node ${relative(process.cwd(), join(REPO, "bin", "rdoctl.js"))}`;
  // The client key and the lab directory belong to root: whoever started the lab with sudo needs it again.
  const sudo = process.env.SUDO_USER ? "sudo " : "";
  const env = `RDOCTL_HOME=${join(dir, "rdoctl")}`;
  echo("");
  echo(`  inventory     ${file}  (${roles.join(", ")})`);
  if (!existsSync(join(REPO, "dist", "src", "cli", "main.js"))) echo(`  build first   npx tsc -p tsconfig.json`);
  echo(chalk.bold(`  install       ${sudo}${env} ${rdoctl} install ${file}`));
  echo(`  then          ${sudo}${env} ${rdoctl} install status ${file}`);
}

async function status() {
  const records = registry.listLabRecords();
  if (records.length === 0) echo("no labs");
  for (const record of records) {
    const owner = record.ownerPid === null ? "persistent (lab up)" : `owned by pid ${record.ownerPid}`;
    const stale = registry.isStale(record) ? chalk.yellow(" STALE (owner gone; reaped by the next lab start)") : "";
    echo(`lab ${record.id}: ${owner}, subnet 127.42.${record.subnet}.0/24${stale}`);
    let hosts = [];
    try {
      hosts = JSON.parse(readFileSync(join(registry.labDir(record.id), "hosts.json"), "utf8"));
    } catch {
      echo("  (still starting or half torn down)");
    }
    for (const host of hosts) {
      const state = (await lab.portOpen(host.address, 22)) ? chalk.green("sshd up") : chalk.red("sshd down");
      echo(`  ${host.name.padEnd(10)} ${host.address.padEnd(14)} ${state}  ${host.hostKeyFingerprint}`);
    }
  }
}

async function down() {
  const ids = argv._.slice(1).map(String);
  // Labs owned by a running test are left alone; stale ones (owner killed) go with the `up` ones.
  const targets =
    ids.length > 0 ? ids : registry.listLabRecords().filter((r) => r.ownerPid === null || registry.isStale(r)).map((r) => r.id);
  if (targets.length === 0) echo("no lab to tear down");
  for (const id of targets) {
    const existed = await lab.stopLabById(id);
    echo(existed ? `lab ${id}: torn down` : `lab ${id}: not found`);
  }
}

/** PID 1 of a host, found among the processes of its network namespace by its command line. */
async function hostInit(netns) {
  for (const pid of await registry.netnsPids(netns)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("/usr/local/lib/rdoctl-lab/init")) return pid;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

async function shell() {
  const [, hostName, id] = argv._.map(String);
  if (!hostName) usage(2);
  // Without an id, labs started with `up` come first: those are the ones humans poke at.
  const records = registry
    .listLabRecords()
    .filter((r) => (id ? r.id === id : true))
    .sort((a, b) => Number(b.ownerPid === null) - Number(a.ownerPid === null));
  const host = records.flatMap((r) => r.hosts).find((h) => h.name === hostName || h.address === hostName);
  if (!host) {
    echo(chalk.red(`no lab host ${hostName}${id ? ` in lab ${id}` : ""}`));
    process.exit(1);
  }
  const pid = await hostInit(host.netns);
  if (!pid) {
    echo(chalk.red(`host ${host.name} is powered off`));
    process.exit(1);
  }
  const result = spawnSync("nsenter", ["-t", String(pid), "-a", "/bin/bash", "-l"], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}

const commands = { up, status, down, shell };
const command = commands[argv._[0]];
if (!command) usage(argv._[0] ? 2 : 0);
await command();
