// Bench for the Terraform engine and real deploys. Prints figures; asserts nothing.
//
//   npm run bench:engine                 engine set-up with a warm cache (scripts/engine.mjs, 3 runs)
//   npm run bench:engine -- --cold       + set-up on a "fresh machine": empty engine cache, empty Go
//                                          module and build caches, no terraform on PATH (builds
//                                          OpenTofu and the provider from the Go module proxy; minutes)
//   npm run bench:engine -- --cloud      + on the lab's real OpenStack: cdktf deploy and destroy time of
//                                          lab-basics, identity and app-template, and the same day-1
//                                          cloud made by a sequential script of `openstack` CLI calls
//                                          (the way kolla-ansible's init-runonce does it), as a ratio
//
// Run through tsx's require hook (the npm script adds it): the project is CommonJS TypeScript.
import { spawnSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import YAML from "yaml";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, "..");
const args = new Set(process.argv.slice(2));
const { locateEngine } = require("../src/cloud/engine");

const fmt = (s) => `${s.toFixed(1)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(command, argv, options = {}) {
  const started = performance.now();
  const r = spawnSync(command, argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20, ...options });
  return { ...r, seconds: (performance.now() - started) / 1000 };
}

function engineSetup(env) {
  const r = timed(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "engine.mjs")], { env });
  if (r.status !== 0) throw new Error(`scripts/engine.mjs failed:\n${r.stderr}`);
  return r;
}

console.log(`bench:engine on ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);

// 1. Warm: everything in place already (the CI machine's second run, a developer's daily use).
engineSetup(process.env);
const warm = [0, 1, 2].map(() => engineSetup(process.env).seconds);
console.log(`engine set-up, warm cache: ${fmt(median(warm))} (median of 3: ${warm.map(fmt).join(", ")})`);

// 2. Cold: what a fresh machine pays once.
if (args.has("--cold")) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-bench-engine-"));
  const noTerraformPath = (process.env.PATH ?? "").split(":").filter((dir) => !fs.existsSync(path.join(dir, "terraform")) && !fs.existsSync(path.join(dir, "tofu"))).join(":");
  const env = { ...process.env, PATH: noTerraformPath, RDOCTL_ENGINE_CACHE: path.join(scratch, "engine"), GOCACHE: path.join(scratch, "gocache"), GOMODCACHE: path.join(scratch, "gomod"), GOFLAGS: "-modcacherw" };
  const cold = engineSetup(env);
  const record = JSON.parse(fs.readFileSync(path.join(scratch, "engine", "last-setup.json"), "utf8"));
  console.log(`engine set-up, fresh machine (tofu ${record.engine.version} + provider ${record.provider} from the Go module proxy): ${fmt(cold.seconds)} (OpenTofu ${fmt(record.tofuBuildSeconds)}, provider ${fmt(record.providerBuildSeconds)})`);
  spawnSync("rm", ["-rf", scratch]);
} else {
  console.log("engine set-up, fresh machine: not run (pass --cold; about 9 minutes on 2 shared cores)");
}

if (!args.has("--cloud")) process.exit(0);

// 3. Real deploys on the lab's real OpenStack.
const { isLabSupported } = require("../test/lab/lab");
const { startOpenStackCloud } = require("../test/lab/openstack-cloud");
const support = isLabSupported();
if (!support.ok) {
  console.log(`deploys: skipped (${support.reason})`);
  process.exit(0);
}
const engine = locateEngine();
if (engine.problems.length > 0) {
  console.log(`deploys: skipped (${engine.problems.map((p) => p.what).join("; ")})`);
  process.exit(0);
}

function runAsync(command, argv, env) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

const cloud = await startOpenStackCloud();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-bench-deploy-"));
try {
  const entry = YAML.parse(fs.readFileSync(cloud.cloudsYaml, "utf8")).clouds[cloud.cloudName];
  fs.writeFileSync(path.join(work, "clouds.yaml"), YAML.stringify({ clouds: { "all-in-one": entry } }), { mode: 0o600 });
  const image = `${cloud.imageBaseUrl.replace(/\/+$/, "")}/cirros.qcow2`;
  const env = {
    ...process.env,
    ...engine.env,
    CI: "1",
    OS_CLIENT_CONFIG_FILE: path.join(work, "clouds.yaml"),
    RDOCTL_STATE: "local",
    RDOCTL_STATE_DIR: path.join(work, "state"),
    RDOCTL_CIRROS_IMAGE: image,
    TF_VAR_demo_password: "bench-demo-1",
    TF_VAR_ahmed_password: "bench-ahmed-1",
    TF_VAR_ali_password: "bench-ali-1",
  };
  const cdktf = path.join(ROOT, "node_modules", ".bin", "cdktf");
  const outdir = path.join(work, "cdktf.out");
  const figures = {};
  for (const [action, stacks] of [["deploy", ["lab-basics", "identity", "app-template"]], ["destroy", ["app-template", "identity", "lab-basics"]]]) {
    for (const stack of stacks) {
      const r = await runAsync(cdktf, [action, stack, "--auto-approve", "--skip-provider-lock", "--output", outdir], env);
      if (r.code !== 0) throw new Error(`cdktf ${action} ${stack} failed:\n${r.output.slice(-3000)}`);
      figures[`${action} ${stack}`] = r.seconds;
      console.log(`cdktf ${action} ${stack}: ${fmt(r.seconds)}`);
    }
  }
  const deployTotal = ["lab-basics", "identity", "app-template"].reduce((sum, s) => sum + figures[`deploy ${s}`], 0);

  // The same day-1 cloud through the openstack CLI, one call after another.
  const openstack = path.join(cloud.venv, "bin", "openstack");
  const cliEnv = { ...process.env, OS_CLIENT_CONFIG_FILE: path.join(work, "clouds.yaml"), OS_CLOUD: "all-in-one" };
  const hot = path.join(work, "web-heat.yaml");
  fs.writeFileSync(hot, YAML.stringify({
    heat_template_version: "2018-08-31",
    parameters: { network: { type: "string" } },
    resources: {
      web_secgroup: { type: "OS::Neutron::SecurityGroup", properties: { name: "web-heat", rules: [22, 80, 443].map((p) => ({ protocol: "tcp", port_range_min: p, port_range_max: p })).concat([{ protocol: "icmp" }]) } },
      web_group: { type: "OS::Heat::ResourceGroup", properties: { count: 3, resource_def: { type: "OS::Nova::Server", properties: { name: "web-heat-%index%", image: "cirros", flavor: "m1.tiny", networks: [{ network: { get_param: "network" } }], security_groups: [{ get_resource: "web_secgroup" }] } } } },
    },
  }));
  // The CLI uploads the image from this machine (this client has no web-download option).
  const localImage = path.join(work, "cirros.qcow2");
  fs.writeFileSync(localImage, Buffer.from(await (await fetch(image)).arrayBuffer()));
  const calls = [
    "network create public --external --provider-network-type flat --provider-physical-network extnet",
    "subnet create public-subnet --network public --subnet-range 203.0.113.0/24 --gateway 203.0.113.1 --no-dhcp --allocation-pool start=203.0.113.100,end=203.0.113.200",
    "project create demo --description first-steps",
    "quota set --instances 10 --cores 20 --ram 40960 --floating-ips 10 --gigabytes 200 demo",
    "user create demo --project demo --password bench-demo-1",
    "role add --project demo --user demo member",
    "network create private --project demo",
    "subnet create private-subnet --network private --project demo --subnet-range 192.168.100.0/24 --gateway 192.168.100.1 --dns-nameserver 1.1.1.1 --dns-nameserver 9.9.9.9",
    "router create router1 --project demo",
    "router set router1 --external-gateway public",
    "router add subnet router1 private-subnet",
    `image create cirros --public --disk-format qcow2 --container-format bare --file ${localImage}`,
    "security group create ssh --project demo",
    "security group rule create ssh --protocol tcp --dst-port 22",
    "security group rule create ssh --protocol icmp",
    "security group create web --project demo",
    "security group rule create web --protocol tcp --dst-port 80",
    "security group rule create web --protocol tcp --dst-port 443",
    "domain create example",
    ...["X", "Y", "Z"].map((p) => `project create ${p} --domain example`),
    "user create ahmed --domain example --password bench-ahmed-1",
    "user create ali --domain example --password bench-ali-1",
    "role add --project X --project-domain example --user ahmed --user-domain example admin",
    "role add --project Y --project-domain example --user ahmed --user-domain example member",
    "role add --project Z --project-domain example --user ali --user-domain example admin",
    "network create app-net",
    "subnet create app-subnet --network app-net --subnet-range 192.168.50.0/24 --dns-nameserver 1.1.1.1",
    "router create app-router",
    "router set app-router --external-gateway public",
    "router add subnet app-router app-subnet",
    "security group create web-app",
    ...[22, 80, 443].map((p) => `security group rule create web-app --protocol tcp --dst-port ${p}`),
    "security group rule create web-app --protocol icmp",
    "--os-compute-api-version 2.64 server group create web --policy soft-anti-affinity",
    ...[1, 2, 3].flatMap((i) => [
      `port create web-${i} --network app-net --security-group web-app`,
      `server create web-${i} --image cirros --flavor m1.tiny --port web-${i} --hint group=WEBGROUP --wait`,
      `floating ip create public --port web-${i}`,
    ]),
    `stack create web-heat -t ${hot} --parameter network=app-net --wait`,
  ];
  const started = performance.now();
  let groupId = "";
  for (const call of calls) {
    const argv = call.replace("WEBGROUP", groupId).split(" ");
    const creates = / create /.test(` ${call} `);
    const r = timed(openstack, [...argv, ...(creates ? ["-f", "value", "-c", "id"] : [])], { env: cliEnv });
    if (r.status !== 0) throw new Error(`openstack ${call} failed: ${r.stderr.slice(-500)}`);
    if (call.includes("server group create")) groupId = r.stdout.trim();
  }
  const cliSeconds = (performance.now() - started) / 1000;
  console.log(`openstack CLI, the same day-1 cloud in ${calls.length} sequential calls: ${fmt(cliSeconds)}`);
  console.log(`cdktf deploy of the three stacks: ${fmt(deployTotal)}; ratio cdktf/CLI: ${(deployTotal / cliSeconds).toFixed(2)}`);
} finally {
  await cloud.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
