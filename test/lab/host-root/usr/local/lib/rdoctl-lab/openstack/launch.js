#!/usr/bin/node
// Starts real OpenStack services on a lab host from a Packstack answer file, for one or more of
// the roles Packstack's manifests play: mariadb, amqp, controller, compute, network, storage,
// post (flavors, demo, keystonerc_admin). The services come from the release's venv (built by
// scripts/openstack-venv.mjs); MariaDB, RabbitMQ, OVN and Open vSwitch from Debian.
//
//   launch.js start --answers FILE --roles controller,compute [--venv DIR] [--address A]
//   launch.js stop      every recorded process of this host, by id (process group)
//   launch.js status    recorded processes and whether they run
//   launch.js images    the image server (port 8090) with a tiny qcow2 and raw image, for Glance web-download
//
// Every process is started in its own process group and recorded in /var/lib/rdoctl-openstack/pids
// (name, pgid, command), so stop kills exactly those. Config goes where Packstack puts it
// (/etc/keystone/keystone.conf, ...), state in /var/lib/rdoctl-openstack, logs in
// /var/log/rdoctl-openstack. A rerun with the same answers restarts nothing that still runs.
// A failure prints one `Error: ...` line (the service, what failed, where its log is) and exits 1.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const http = require("node:http");
const crypto = require("node:crypto");
const { spawn, spawnSync } = require("node:child_process");
const { redactConnectionSecrets } = require("./snapshot-redact.js");

const STATE = "/var/lib/rdoctl-openstack";
const PIDS = `${STATE}/pids`;
const LOGS = "/var/log/rdoctl-openstack";
const IMAGE_PORT = 8090;
const PORTS = { keystone: 5000, glance: 9292, placement: 8778, nova: 8774, neutron: 9696, heat: 8004, heatCfn: 8000, cinder: 8776, mariadb: 3306, amqp: 5672, ovnNb: 6641, ovnSb: 6642 };

class LaunchError extends Error {}
const fail = (message) => { throw new LaunchError(message); };
const t0 = Date.now();
function say(message) {
  process.stdout.write(`openstack [${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
}

// ---------------------------------------------------------------- arguments and answers
function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      out[k] = v !== undefined ? v : argv[++i];
    } else out._.push(a);
  }
  return out;
}

function readAnswers(file) {
  if (!fs.existsSync(file)) fail(`answer file ${file} not found`);
  const answers = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*(CONFIG_[A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) answers[m[1]] = m[2];
  }
  const get = (key, fallback) => {
    const v = answers[key];
    if (v === undefined || v === "") {
      if (fallback !== undefined) return fallback;
      fail(`${key} is missing or empty in ${file}`);
    }
    return v;
  };
  const yes = (key) => /^(y|yes|true)$/i.test(answers[key] ?? "");
  const list = (key) => (answers[key] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return { raw: answers, get, yes, list, file };
}

// ---------------------------------------------------------------- processes
function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  return { code: r.status ?? (r.error ? 127 : 1), stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? r.error.message : "") };
}

/** Runs a one-shot command in the background (async), its output appended to a log. */
function runLogged(name, cmd, args, options = {}) {
  const log = `${LOGS}/${name}.log`;
  return new Promise((resolve) => {
    const fd = fs.openSync(log, "a");
    fs.writeSync(fd, `\n$ ${cmd} ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], env: { ...process.env, ...(options.env ?? {}) }, cwd: options.cwd ?? "/" });
    fs.closeSync(fd);
    child.on("error", (e) => resolve({ code: 127, log, error: e.message }));
    child.on("close", (code) => resolve({ code, log }));
  });
}

async function mustRun(name, what, cmd, args, options) {
  const r = await runLogged(name, cmd, args, options);
  if (r.code !== 0) fail(`${what} failed (exit ${r.code}${r.error ? `: ${r.error}` : ""}): ${tail(r.log, 2)} (log ${r.log})`);
}

function tail(file, n) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter(Boolean).slice(-n).join(" | ").slice(0, 600);
  } catch {
    return "";
  }
}

function pidFile(name) { return `${PIDS}/${name}.json`; }

function recorded(name) {
  try { return JSON.parse(fs.readFileSync(pidFile(name), "utf8")); } catch { return null; }
}

function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/\) Z /.test(stat);
  } catch { return false; }
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/** Starts a long-running daemon in its own process group, recorded by name; reused if its recorded config matches. */
function daemon(name, cmd, args, options = {}) {
  const fingerprint = crypto.createHash("sha256").update(JSON.stringify([cmd, args, options.env ?? {}, options.configs?.map((f) => fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "") ?? []])).digest("hex").slice(0, 16);
  const old = recorded(name);
  if (old && alive(old.pid) && old.fingerprint === fingerprint) return { name, pid: old.pid, reused: true, log: old.log };
  if (old) stopRecord(old);
  const log = `${LOGS}/${name}.log`;
  const fd = fs.openSync(log, "a");
  fs.writeSync(fd, `\n==== ${new Date().toISOString()} $ ${cmd} ${args.join(" ")}\n`);
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, ...(options.env ?? {}) }, cwd: options.cwd ?? "/" });
  fs.closeSync(fd);
  child.unref();
  if (!child.pid) fail(`${name} did not start: ${cmd} not runnable`);
  fs.writeFileSync(pidFile(name), JSON.stringify({ name, pid: child.pid, pgid: child.pid, cmd, log, fingerprint, started: new Date().toISOString() }) + "\n");
  return { name, pid: child.pid, reused: false, log };
}

function stopRecord(rec) {
  const kill = (sig) => { try { process.kill(-rec.pgid, sig); } catch { /* gone */ } };
  kill("SIGTERM");
  const until = Date.now() + 10000;
  while (groupAlive(rec.pgid) && Date.now() < until) sh("sleep", ["0.1"]);
  if (groupAlive(rec.pgid)) kill("SIGKILL");
  try { fs.unlinkSync(pidFile(rec.name)); } catch { /* already */ }
}

/** TERM to every recorded process group at once, KILL to what is left after 10 s; records removed. */
function stopAll() {
  if (!fs.existsSync(PIDS)) return [];
  const recs = fs.readdirSync(PIDS).filter((f) => f.endsWith(".json")).map((f) => recorded(f.slice(0, -5))).filter(Boolean);
  const signal = (rec, sig) => { try { process.kill(-rec.pgid, sig); } catch { /* gone */ } };
  for (const rec of recs) signal(rec, "SIGTERM");
  // The oslo services shut down within graceful_shutdown_timeout (3 s); MariaDB and RabbitMQ flush first.
  const until = Date.now() + 10000;
  while (recs.some((r) => groupAlive(r.pgid)) && Date.now() < until) sh("sleep", ["0.2"]);
  for (const rec of recs) {
    if (groupAlive(rec.pgid)) signal(rec, "SIGKILL");
    try { fs.unlinkSync(pidFile(rec.name)); } catch { /* already */ }
  }
  return recs.map((r) => r.name);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, check, { timeoutMs = 120000, proc, status } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (proc && !alive(proc.pid)) fail(`${what}: ${proc.name} exited: ${tail(proc.log, 3)} (log ${proc.log})`);
    if (Date.now() > until) fail(`${what}: not ready after ${timeoutMs / 1000} s${status ? ` (${status()})` : ""}${proc ? `: ${tail(proc.log, 3)} (log ${proc.log})` : ""}`);
    await sleep(300);
  }
}

// ---------------------------------------------------------------- HTTP (Connection: close: uwsgi's http-socket resets kept-alive POSTs)
function request(method, url, { body, headers = {}, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const req = http.request(url, { method, agent: false, headers: { Connection: "close", Accept: "application/json", ...(data !== undefined ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {}), ...headers }, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

async function answers200(url) {
  try { const r = await request("GET", url, { timeoutMs: 5000 }); return r.status < 500; } catch { return false; }
}

function tcpOpen(host, port) {
  return new Promise((resolve) => {
    const s = require("node:net").connect({ host, port });
    s.setTimeout(2000);
    s.on("connect", () => { s.destroy(); resolve(true); });
    s.on("error", () => resolve(false));
    s.on("timeout", () => { s.destroy(); resolve(false); });
  });
}

// ---------------------------------------------------------------- config files
function ini(sections) {
  let out = "# Written by the rdoctl lab's Packstack (test/lab/.../openstack/launch.js) from the answer file.\n";
  for (const [section, values] of Object.entries(sections)) {
    out += `\n[${section}]\n`;
    for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null) out += `${k} = ${v}\n`;
  }
  return out;
}

function writeFile(file, content, mode = 0o640) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return false;
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  return true;
}

// ---------------------------------------------------------------- the cloud model from the answer file
function cloudModel(a, address, venv) {
  const controller = a.get("CONFIG_CONTROLLER_HOST");
  const db = a.get("CONFIG_MARIADB_HOST", controller);
  const amqpHost = a.get("CONFIG_AMQP_HOST", controller);
  const amqpAuth = a.yes("CONFIG_AMQP_ENABLE_AUTH");
  const amqpUser = amqpAuth ? a.get("CONFIG_AMQP_AUTH_USER") : "guest";
  const amqpPassword = amqpAuth ? a.get("CONFIG_AMQP_AUTH_PASSWORD") : "guest";
  const region = a.get("CONFIG_KEYSTONE_REGION", "RegionOne");
  const keystoneUrl = `http://${controller}:${PORTS.keystone}`;
  const enabled = {
    mariadb: a.raw.CONFIG_MARIADB_INSTALL === undefined || a.yes("CONFIG_MARIADB_INSTALL"),
    glance: a.yes("CONFIG_GLANCE_INSTALL"),
    nova: a.yes("CONFIG_NOVA_INSTALL"),
    neutron: a.yes("CONFIG_NEUTRON_INSTALL"),
    cinder: a.yes("CONFIG_CINDER_INSTALL"),
    heat: a.yes("CONFIG_HEAT_INSTALL"),
  };
  enabled.placement = enabled.nova;
  enabled.heatCfn = enabled.heat && a.yes("CONFIG_HEAT_CFN_INSTALL");
  const services = {
    keystone: { db: "keystone", dbUser: "keystone", dbPw: () => a.get("CONFIG_KEYSTONE_DB_PW") },
    glance: { db: "glance", dbUser: "glance", dbPw: () => a.get("CONFIG_GLANCE_DB_PW"), user: "glance", pw: () => a.get("CONFIG_GLANCE_KS_PW"), type: "image", url: `http://${controller}:${PORTS.glance}` },
    placement: { db: "placement", dbUser: "placement", dbPw: () => a.get("CONFIG_NOVA_DB_PW"), user: "placement", pw: () => a.get("CONFIG_NOVA_KS_PW"), type: "placement", url: `http://${controller}:${PORTS.placement}` },
    nova: { db: ["nova", "nova_api", "nova_cell0"], dbUser: "nova", dbPw: () => a.get("CONFIG_NOVA_DB_PW"), user: "nova", pw: () => a.get("CONFIG_NOVA_KS_PW"), type: "compute", url: `http://${controller}:${PORTS.nova}/v2.1` },
    neutron: { db: "neutron", dbUser: "neutron", dbPw: () => a.get("CONFIG_NEUTRON_DB_PW"), user: "neutron", pw: () => a.get("CONFIG_NEUTRON_KS_PW"), type: "network", url: `http://${controller}:${PORTS.neutron}` },
    cinder: { db: "cinder", dbUser: "cinder", dbPw: () => a.get("CONFIG_CINDER_DB_PW"), user: "cinder", pw: () => a.get("CONFIG_CINDER_KS_PW"), type: "volumev3", serviceName: "cinderv3", url: `http://${controller}:${PORTS.cinder}/v3` },
    heat: { db: "heat", dbUser: "heat", dbPw: () => a.get("CONFIG_HEAT_DB_PW"), user: "heat", pw: () => a.get("CONFIG_HEAT_KS_PW"), type: "orchestration", url: `http://${controller}:${PORTS.heat}/v1/%(tenant_id)s` },
    heatCfn: { user: null, type: "cloudformation", serviceName: "heat-cfn", url: `http://${controller}:${PORTS.heatCfn}/v1` },
  };
  const dbUrl = (svc, name = svc.db) => `mysql+pymysql://${svc.dbUser}:${encodeURIComponent(svc.dbPw())}@${db}/${name}?charset=utf8`;
  return {
    a, address, venv, controller, db, region, keystoneUrl, enabled, services, dbUrl,
    transportUrl: `rabbit://${encodeURIComponent(amqpUser)}:${encodeURIComponent(amqpPassword)}@${amqpHost}:${PORTS.amqp}/`,
    amqpHost, amqpUser, amqpPassword, amqpAuth,
    adminUser: a.get("CONFIG_KEYSTONE_ADMIN_USERNAME", "admin"),
    adminPw: () => a.get("CONFIG_KEYSTONE_ADMIN_PW"),
    hostname: fs.readFileSync("/proc/sys/kernel/hostname", "utf8").trim(),
  };
}

// Options every service shares: keystone auth, messaging, locks, the in-process cache.
function authtoken(m, svc) {
  return {
    www_authenticate_uri: m.keystoneUrl, auth_url: m.keystoneUrl, auth_type: "password",
    project_domain_name: "Default", user_domain_name: "Default", project_name: "services",
    username: svc.user, password: svc.pw(), region_name: m.region, service_token_roles_required: "true",
  };
}
function serviceAuth(m, svc, extra = {}) {
  return { auth_url: m.keystoneUrl, auth_type: "password", project_domain_name: "Default", user_domain_name: "Default", project_name: "services", username: svc.user, password: svc.pw(), region_name: m.region, ...extra };
}
const CACHE = { enabled: "true", backend: "dogpile.cache.memory" };
const RABBIT = { heartbeat_timeout_threshold: 0 };

function copyFromVenv(m, rel, dest) {
  const src = path.join(m.venv, "etc", rel);
  if (!fs.existsSync(src)) fail(`${src} is missing from the venv`);
  writeFile(dest, fs.readFileSync(src, "utf8"), 0o644);
}

function writeConfigs(m, roles) {
  const { services: s, enabled } = m;
  const needs = (svc) => enabled[svc];
  const all = roles.includes("controller");
  if (all) {
    writeFile("/etc/keystone/keystone.conf", ini({
      DEFAULT: { debug: "false" },
      database: { connection: m.dbUrl(s.keystone), max_retries: -1 },
      token: { provider: "fernet", expiration: 14400 },
      fernet_tokens: { key_repository: "/etc/keystone/fernet-keys" },
      credential: { key_repository: "/etc/keystone/credential-keys" },
      cache: CACHE,
      oslo_messaging_notifications: { driver: "noop" },
    }));
    if (needs("glance")) {
      copyFromVenv(m, "glance/glance-api-paste.ini", "/etc/glance/glance-api-paste.ini");
      writeFile("/etc/glance/glance-api.conf", ini({
        DEFAULT: { enabled_backends: "fs:file", workers: 1, enabled_import_methods: "[glance-direct,web-download]", bind_host: m.address, bind_port: PORTS.glance, public_endpoint: s.glance.url },
        database: { connection: m.dbUrl(s.glance), max_retries: -1 },
        keystone_authtoken: authtoken(m, s.glance),
        paste_deploy: { flavor: "keystone", config_file: "/etc/glance/glance-api-paste.ini" },
        glance_store: { default_backend: "fs" },
        fs: { filesystem_store_datadir: "/var/lib/glance/images" },
        os_glance_staging_store: { filesystem_store_datadir: "/var/lib/glance/staging" },
        os_glance_tasks_store: { filesystem_store_datadir: "/var/lib/glance/tasks" },
        import_filtering_opts: { allowed_ports: `[80,443,${IMAGE_PORT}]` },
        oslo_concurrency: { lock_path: "/var/lib/glance/lock" },
        oslo_messaging_notifications: { driver: "noop" },
        cache: CACHE,
      }));
    }
    if (needs("placement")) writeFile("/etc/placement/placement.conf", ini({
      placement_database: { connection: m.dbUrl(s.placement), max_retries: -1 },
      api: { auth_strategy: "keystone" },
      keystone_authtoken: authtoken(m, s.placement),
      cache: CACHE,
    }));
    if (needs("neutron")) {
      copyFromVenv(m, "neutron/api-paste.ini", "/etc/neutron/api-paste.ini");
    }
    if (needs("heat")) {
      copyFromVenv(m, "heat/api-paste.ini", "/etc/heat/api-paste.ini");
      writeFile("/etc/heat/heat.conf", ini({
        DEFAULT: {
          transport_url: m.transportUrl, num_engine_workers: 1, region_name_for_services: m.region, graceful_shutdown_timeout: 3,
          heat_metadata_server_url: `http://${m.controller}:${PORTS.heatCfn}`, heat_waitcondition_server_url: `http://${m.controller}:${PORTS.heatCfn}/v1/waitcondition`,
          stack_domain_admin: m.a.get("CONFIG_HEAT_DOMAIN_ADMIN", "heat_admin"), stack_domain_admin_password: m.a.get("CONFIG_HEAT_DOMAIN_PASSWORD"),
          stack_user_domain_name: m.a.get("CONFIG_HEAT_DOMAIN", "heat"),
          auth_encryption_key: m.a.get("CONFIG_HEAT_AUTH_ENC_KEY").padEnd(32, "0").slice(0, 32),
        },
        database: { connection: m.dbUrl(s.heat), max_retries: -1 },
        keystone_authtoken: authtoken(m, s.heat),
        trustee: { auth_type: "password", auth_url: m.keystoneUrl, username: "heat", password: s.heat.pw(), user_domain_name: "Default" },
        clients_keystone: { auth_uri: m.keystoneUrl },
        ec2authtoken: { auth_uri: `${m.keystoneUrl}/v3` },
        heat_api: { workers: 1 }, heat_api_cfn: { workers: 1 },
        paste_deploy: { api_paste_config: "/etc/heat/api-paste.ini" },
        oslo_messaging_rabbit: RABBIT, oslo_messaging_notifications: { driver: "noop" },
        oslo_concurrency: { lock_path: "/var/lib/heat/lock" },
        cache: CACHE,
      }));
    }
  }
  if (needs("nova") && (all || roles.includes("compute"))) {
    copyFromVenv(m, "nova/api-paste.ini", "/etc/nova/api-paste.ini");
    writeFile("/etc/nova/nova.conf", ini({
      DEFAULT: {
        transport_url: m.transportUrl, my_ip: m.address, host: m.hostname, state_path: "/var/lib/nova",
        compute_driver: "fake.FakeDriver", vif_plugging_is_fatal: "false", vif_plugging_timeout: 0,
        osapi_compute_workers: 1, metadata_workers: 1, enabled_apis: "osapi_compute", graceful_shutdown_timeout: 3,
      },
      api: { auth_strategy: "keystone" },
      wsgi: { api_paste_config: "/etc/nova/api-paste.ini" },
      api_database: { connection: m.dbUrl(s.nova, "nova_api"), max_retries: -1 },
      database: { connection: m.dbUrl(s.nova, "nova"), max_retries: -1 },
      keystone_authtoken: authtoken(m, s.nova),
      service_user: { send_service_user_token: "true", ...serviceAuth(m, s.nova) },
      placement: serviceAuth(m, s.placement),
      neutron: serviceAuth(m, s.neutron, { service_metadata_proxy: "false" }),
      glance: { region_name: m.region },
      cinder: { os_region_name: m.region },
      scheduler: { discover_hosts_in_cells_interval: 5, workers: 1 },
      conductor: { workers: 1 },
      vnc: { enabled: "false" },
      oslo_concurrency: { lock_path: "/var/lib/nova/lock" },
      oslo_messaging_rabbit: RABBIT, oslo_messaging_notifications: { driver: "noop" },
      cache: CACHE,
    }));
  }
  if (needs("neutron") && all) {
    writeFile("/etc/neutron/neutron.conf", ini({
      DEFAULT: {
        core_plugin: "ml2", service_plugins: "ovn-router", bind_host: m.address, bind_port: PORTS.neutron, graceful_shutdown_timeout: 3,
        transport_url: m.transportUrl, api_workers: 1, rpc_workers: 0, rpc_state_report_workers: 0, auth_strategy: "keystone",
        notify_nova_on_port_status_changes: needs("nova") ? "true" : "false", notify_nova_on_port_data_changes: needs("nova") ? "true" : "false",
        state_path: "/var/lib/neutron", api_paste_config: "/etc/neutron/api-paste.ini",
      },
      database: { connection: m.dbUrl(s.neutron), max_retries: -1 },
      keystone_authtoken: authtoken(m, s.neutron),
      nova: serviceAuth(m, s.nova),
      oslo_concurrency: { lock_path: "/var/lib/neutron/lock" },
      oslo_messaging_rabbit: RABBIT, oslo_messaging_notifications: { driver: "noop" },
      cache: CACHE,
    }));
    const flat = m.a.get("CONFIG_NEUTRON_ML2_FLAT_NETWORKS", "*");
    writeFile("/etc/neutron/plugins/ml2/ml2_conf.ini", ini({
      ml2: {
        type_drivers: m.a.get("CONFIG_NEUTRON_ML2_TYPE_DRIVERS", "geneve,flat"), tenant_network_types: m.a.get("CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES", "geneve"),
        mechanism_drivers: m.a.get("CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS", "ovn"), extension_drivers: "port_security", overlay_ip_version: 4,
      },
      ml2_type_geneve: { vni_ranges: m.a.get("CONFIG_NEUTRON_ML2_VNI_RANGES", "10:100"), max_header_size: 38 },
      ml2_type_flat: { flat_networks: flat },
      ml2_type_vlan: { network_vlan_ranges: m.a.get("CONFIG_NEUTRON_ML2_VLAN_RANGES", "") || undefined },
      ovn: {
        ovn_nb_connection: `tcp:${m.controller}:${PORTS.ovnNb}`, ovn_sb_connection: `tcp:${m.controller}:${PORTS.ovnSb}`,
        ovn_metadata_enabled: "false", enable_distributed_floating_ip: "false", ovn_l3_scheduler: "leastloaded",
      },
    }));
  }
  if (needs("cinder") && (all || roles.includes("storage"))) {
    copyFromVenv(m, "cinder/api-paste.ini", "/etc/cinder/api-paste.ini");
    writeFile("/etc/cinder/cinder.conf", ini({
      DEFAULT: {
        transport_url: m.transportUrl, auth_strategy: "keystone", my_ip: m.address, host: m.hostname, osapi_volume_workers: 1, graceful_shutdown_timeout: 3,
        enabled_backends: "fake", default_volume_type: "__DEFAULT__", state_path: "/var/lib/cinder", api_paste_config: "/etc/cinder/api-paste.ini",
        glance_api_servers: `http://${m.controller}:${PORTS.glance}`,
      },
      database: { connection: m.dbUrl(s.cinder), max_retries: -1 },
      keystone_authtoken: authtoken(m, s.cinder),
      nova: serviceAuth(m, s.nova),
      // This kernel has no device-mapper: the fake driver Cinder ships keeps volumes as records.
      fake: { volume_driver: "cinder.tests.fake_driver.FakeLoggingVolumeDriver", volume_backend_name: "fake", target_helper: "fake" },
      oslo_concurrency: { lock_path: "/var/lib/cinder/lock" },
      oslo_messaging_rabbit: RABBIT, oslo_messaging_notifications: { driver: "noop" },
      cache: CACHE,
    }));
  }
}

// ---------------------------------------------------------------- roles
const bin = (m, name) => path.join(m.venv, "bin", name);

/**
 * The WSGI application: the package's `<pkg>.wsgi.<mod>` module where the release has it (2025.1
 * on), else the pbr-generated script in the venv's bin (2024.1 and older).
 */
function wsgiApp(m, module, script) {
  const file = module.split(":")[0].replace(/\./g, "/");
  const site = fs.readdirSync(path.join(m.venv, "lib")).map((d) => path.join(m.venv, "lib", d, "site-packages"));
  if (site.some((dir) => fs.existsSync(path.join(dir, `${file}.py`)))) return ["--module", module];
  if (fs.existsSync(bin(m, script))) return ["--wsgi-file", bin(m, script)];
  fail(`${script}: neither ${module} nor ${bin(m, script)} is in the venv`);
}

function uwsgi(m, name, app, port, processes = 1) {
  return daemon(name, bin(m, "uwsgi"), [
    "--http-socket", `${m.address}:${port}`, ...app, "--virtualenv", m.venv,
    "--master", "--processes", String(processes), "--threads", "1", "--enable-threads", "--lazy-apps",
    "--die-on-term", "--need-app", "--buffer-size", "65535", "--add-header", "Connection: close",
    "--hook-master-start", "unix_signal:15 gracefully_kill_them_all", "--thunder-lock", "--vacuum",
  ], { configs: configsOf(name) });
}

function configsOf(name) {
  const service = name.split("-")[0];
  const dir = `/etc/${service}`;
  if (!fs.existsSync(dir)) return [];
  const files = [];
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) { if (!/keys$/.test(e.name)) walk(p); } else files.push(p); } };
  walk(dir);
  return files.sort();
}

async function roleMariadb(m) {
  const dir = `${STATE}/mariadb`;
  const sock = "/run/mysqld/mysqld.sock";
  writeFile("/etc/my.cnf.d/rdoctl-lab.cnf", ini({
    mysqld: {
      datadir: `${dir}/data`, socket: sock, "bind-address": m.address, port: PORTS.mariadb, user: "root",
      "skip-name-resolve": "1", max_connections: 2000, "innodb_buffer_pool_size": "64M", "innodb_log_file_size": "16M",
      "innodb_flush_log_at_trx_commit": 0, "innodb_doublewrite": 0, "character-set-server": "utf8mb4", "log-error": `${LOGS}/mariadb-server.log`,
    },
  }), 0o644);
  const defaults = "--defaults-file=/etc/my.cnf.d/rdoctl-lab.cnf";
  fs.mkdirSync("/run/mysqld", { recursive: true });
  if (!fs.existsSync(`${dir}/data/mysql`)) {
    fs.mkdirSync(dir, { recursive: true });
    await mustRun("mariadb-install", "MariaDB: creating the database", "/usr/bin/mariadb-install-db", [defaults, "--auth-root-authentication-method=normal", "--skip-test-db"]);
  }
  const proc = daemon("mariadb", "/usr/sbin/mariadbd", [defaults], { configs: ["/etc/my.cnf.d/rdoctl-lab.cnf"] });
  await waitFor("MariaDB", () => sh("/usr/bin/mariadb-admin", [`--socket=${sock}`, "ping"]).code === 0, { proc, timeoutMs: 60000 });
  const sql = [];
  const q = (s) => s.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  const rootUser = m.a.get("CONFIG_MARIADB_USER", "root");
  const rootPw = m.a.get("CONFIG_MARIADB_PW");
  sql.push(`CREATE USER IF NOT EXISTS '${q(rootUser)}'@'%' IDENTIFIED BY '${q(rootPw)}'`, `ALTER USER '${q(rootUser)}'@'%' IDENTIFIED BY '${q(rootPw)}'`, `GRANT ALL ON *.* TO '${q(rootUser)}'@'%' WITH GRANT OPTION`);
  for (const [name, svc] of Object.entries(m.services)) {
    if (!svc.db || (name !== "keystone" && !m.enabled[name])) continue;
    const pw = svc.dbPw();
    sql.push(`CREATE USER IF NOT EXISTS '${svc.dbUser}'@'%' IDENTIFIED BY '${q(pw)}'`, `ALTER USER '${svc.dbUser}'@'%' IDENTIFIED BY '${q(pw)}'`);
    for (const database of [].concat(svc.db)) sql.push(`CREATE DATABASE IF NOT EXISTS ${database} CHARACTER SET utf8`, `GRANT ALL ON ${database}.* TO '${svc.dbUser}'@'%'`);
  }
  sql.push("FLUSH PRIVILEGES");
  const r = sh("/usr/bin/mariadb", [`--socket=${sock}`, "-uroot"], { input: sql.join(";\n") + ";\n" });
  if (r.code !== 0) fail(`MariaDB: creating the service databases failed: ${r.stderr.trim().split("\n").pop()}`);
  say(`MariaDB on ${m.address}:${PORTS.mariadb}${proc.reused ? " (running)" : ""}`);
}

async function roleAmqp(m) {
  const base = `${STATE}/rabbitmq`;
  fs.mkdirSync(base, { recursive: true });
  fs.mkdirSync(`${LOGS}/rabbitmq`, { recursive: true });
  const cookie = `${base}/.erlang.cookie`;
  if (!fs.existsSync(cookie)) fs.writeFileSync(cookie, crypto.randomBytes(16).toString("hex").toUpperCase(), { mode: 0o400 });
  writeFile(`${base}/rabbitmq.conf`, `listeners.tcp.1 = ${m.address}:${PORTS.amqp}\nloopback_users = none\ndefault_user = guest\ndefault_pass = guest\n`, 0o644);
  writeFile(`${base}/enabled_plugins`, "[].\n", 0o644);
  const short = m.hostname.split(".")[0];
  const env = {
    HOME: base, RABBITMQ_HOME: "/usr/lib/rabbitmq", RABBITMQ_MNESIA_BASE: `${base}/mnesia`, RABBITMQ_LOG_BASE: `${LOGS}/rabbitmq`,
    RABBITMQ_NODENAME: `rabbit@${short}`, RABBITMQ_CONFIG_FILE: `${base}/rabbitmq.conf`, RABBITMQ_ENABLED_PLUGINS_FILE: `${base}/enabled_plugins`,
    RABBITMQ_CONF_ENV_FILE: `${base}/rabbitmq-env.conf`, RABBITMQ_ADVANCED_CONFIG_FILE: `${base}/advanced.config`, RABBITMQ_PID_FILE: `${base}/rabbitmq.pid`,
    RABBITMQ_DIST_PORT: "25672", ERL_EPMD_ADDRESS: `${m.address},127.0.0.1`, RABBITMQ_CTL_DIST_PORT_MIN: "35672", RABBITMQ_CTL_DIST_PORT_MAX: "35682",
  };
  writeFile(`${base}/rabbitmq-env.conf`, "", 0o644);
  const epmd = daemon("epmd", "/usr/bin/epmd", ["-address", `${m.address},127.0.0.1`], { env });
  await waitFor("epmd", () => tcpOpen(m.address, 4369), { proc: epmd, timeoutMs: 20000 });
  const proc = daemon("rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmq-server", [], { env, configs: [`${base}/rabbitmq.conf`] });
  const ctl = (args) => sh("/usr/lib/rabbitmq/bin/rabbitmqctl", args, { env: { ...process.env, ...env } });
  await waitFor("RabbitMQ", () => tcpOpen(m.address, PORTS.amqp), { proc, timeoutMs: 90000 });
  const r = ctl(["await_startup", "--timeout", "60"]);
  if (r.code !== 0) fail(`RabbitMQ: not started: ${(r.stderr || r.stdout).trim().split("\n").pop()} (log ${proc.log})`);
  if (m.amqpAuth) {
    if (ctl(["list_users", "-q"]).stdout.split("\n").some((l) => l.split("\t")[0] === m.amqpUser)) ctl(["change_password", m.amqpUser, m.amqpPassword]);
    else if (ctl(["add_user", m.amqpUser, m.amqpPassword]).code !== 0) fail(`RabbitMQ: adding user ${m.amqpUser} failed`);
    ctl(["set_permissions", m.amqpUser, ".*", ".*", ".*"]);
  }
  say(`RabbitMQ on ${m.address}:${PORTS.amqp}${proc.reused ? " (running)" : ""}`);
}

/** Keystone's REST API, authenticated as the cloud admin. */
class Keystone {
  constructor(m) { this.m = m; this.url = m.keystoneUrl; }
  async login() {
    const r = await request("POST", `${this.url}/v3/auth/tokens`, { body: { auth: { identity: { methods: ["password"], password: { user: { name: this.m.adminUser, domain: { id: "default" }, password: this.m.adminPw() } } }, scope: { project: { name: "admin", domain: { id: "default" } } } } } });
    if (r.status !== 201) fail(`Keystone: the admin login failed (HTTP ${r.status}): ${r.text.slice(0, 200)}`);
    this.token = r.headers["x-subject-token"];
    this.catalog = r.json.token.catalog;
  }
  async call(method, p, body, ok = [200, 201, 204]) {
    const r = await request(method, `${this.url}/v3${p}`, { body, headers: { "X-Auth-Token": this.token } });
    if (!ok.includes(r.status)) fail(`Keystone: ${method} ${p} failed (HTTP ${r.status}): ${r.text.slice(0, 300)}`);
    return r.json;
  }
  async find(kind, name, query = "") {
    const r = await this.call("GET", `/${kind}?name=${encodeURIComponent(name)}${query}`);
    return r[kind][0];
  }
  async ensure(kind, singular, name, body, query = "") {
    return (await this.find(kind, name, query)) ?? (await this.call("POST", `/${kind}`, { [singular]: { name, ...body } }))[singular];
  }
  async ensureUser(name, password, domainId = "default", projectId) {
    const user = await this.find("users", name, `&domain_id=${domainId}`);
    if (user) { await this.call("PATCH", `/users/${user.id}`, { user: { password } }); return user; }
    return (await this.call("POST", "/users", { user: { name, password, domain_id: domainId, ...(projectId ? { default_project_id: projectId } : {}) } })).user;
  }
  async grant(projectId, userId, roleId) { await this.call("PUT", `/projects/${projectId}/users/${userId}/roles/${roleId}`); }
  async ensureEndpoints(serviceName, type, url) {
    const services = (await this.call("GET", `/services?type=${type}`)).services;
    const service = services[0] ?? (await this.call("POST", "/services", { service: { name: serviceName, type, enabled: true } })).service;
    const endpoints = (await this.call("GET", `/endpoints?service_id=${service.id}`)).endpoints;
    for (const iface of ["public", "internal", "admin"]) {
      const e = endpoints.find((x) => x.interface === iface && x.region_id === this.m.region);
      if (!e) await this.call("POST", "/endpoints", { endpoint: { service_id: service.id, interface: iface, url, region_id: this.m.region, enabled: true } });
      else if (e.url !== url) await this.call("PATCH", `/endpoints/${e.id}`, { endpoint: { url } });
    }
  }
}

/** A schema sync runs again only when the venv or the service's database URL changed (a rerun skips it). */
function once(m, name, url, job) {
  const marker = `${STATE}/synced/${name}`;
  const key = syncKey(m, url);
  return async () => {
    if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === key) return;
    await job();
    markSynced(m, name, url);
  };
}
const syncKey = (m, url) => crypto.createHash("sha256").update(`${m.venv}\0${url}`).digest("hex");
function markSynced(m, name, url) {
  fs.mkdirSync(`${STATE}/synced`, { recursive: true });
  fs.writeFileSync(`${STATE}/synced/${name}`, syncKey(m, url));
}
const syncUrl = (m, name) => [].concat(m.services[name].db).map((d) => m.dbUrl(m.services[name], d)).join(" ");

// ---------------------------------------------------------------- database snapshot
// The schema syncs are the slowest part of a start (Nova about a minute, Neutron ~40 s). Their
// result depends only on the venv and which services are on, so after the first start the
// schemas (not Keystone's: it holds users) are dumped, with no password in them, and a later
// start on a fresh database loads the dump instead of syncing. Inside a host the dump lands in
// STATE/db-snapshot; the lab's test helper copies it to SNAPSHOTS on the machine, which every
// later host sees through its lower layer.
const SNAPSHOTS = "/var/cache/rdoctl/openstack/db-snapshots";
const SNAPSHOT_SERVICES = ["glance", "placement", "nova", "neutron", "heat", "cinder"];

function snapshotName(m) {
  const on = SNAPSHOT_SERVICES.filter((x) => m.enabled[x]);
  return `${crypto.createHash("sha256").update(`v2\0${m.venv}\0${on.join(",")}`).digest("hex").slice(0, 16)}.sql`;
}

function mysqlEnv(m) {
  return { ...process.env, MYSQL_PWD: m.a.get("CONFIG_MARIADB_PW") };
}
const mysqlArgs = (m) => ["-h", m.db, "-P", String(PORTS.mariadb), "-u", m.a.get("CONFIG_MARIADB_USER", "root")];

/** Loads the snapshot into a database none of whose schemas were synced yet; true when it did. */
function restoreSnapshot(m) {
  const file = path.join(SNAPSHOTS, snapshotName(m));
  const on = SNAPSHOT_SERVICES.filter((x) => m.enabled[x]);
  if (!fs.existsSync(file) || !on.length || on.some((x) => fs.existsSync(`${STATE}/synced/${x}`))) return false;
  const r = sh("/usr/bin/mariadb", mysqlArgs(m), { input: fs.readFileSync(file, "utf8"), env: mysqlEnv(m) });
  if (r.code !== 0) fail(`MariaDB: loading the schema snapshot ${file} failed: ${r.stderr.trim().split("\n").pop()}`);
  if (m.enabled.nova) {
    const q = (x) => `'${x.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
    const cells = [
      `UPDATE nova_api.cell_mappings SET database_connection=${q(m.dbUrl(m.services.nova, "nova_cell0"))} WHERE name='cell0'`,
      `UPDATE nova_api.cell_mappings SET database_connection=${q(m.dbUrl(m.services.nova, "nova"))}, transport_url=${q(m.transportUrl)} WHERE name='cell1'`,
    ];
    const u = sh("/usr/bin/mariadb", mysqlArgs(m), { input: cells.join(";\n") + ";\n", env: mysqlEnv(m) });
    if (u.code !== 0) fail(`MariaDB: updating Nova's cell mappings failed: ${u.stderr.trim().split("\n").pop()}`);
  }
  for (const x of on) markSynced(m, x, syncUrl(m, x));
  say(`schemas of ${on.join(", ")} loaded from the snapshot ${snapshotName(m)}`);
  return true;
}

/** Dumps the freshly synced schemas (passwords blanked) for the next start. */
function takeSnapshot(m) {
  const on = SNAPSHOT_SERVICES.filter((x) => m.enabled[x]);
  if (!on.length) return;
  const databases = on.flatMap((x) => [].concat(m.services[x].db));
  const r = sh("/usr/bin/mariadb-dump", [...mysqlArgs(m), "--skip-comments", "--single-transaction", "--databases", ...databases], { env: mysqlEnv(m) });
  if (r.code !== 0) { say(`no schema snapshot: mariadb-dump failed: ${r.stderr.trim().split("\n").pop()}`); return; }
  writeFile(`${STATE}/db-snapshot/${snapshotName(m)}`, redactConnectionSecrets(r.stdout), 0o600);
}

async function dbSyncs(m) {
  const { enabled, services: s } = m;
  const jobs = [];
  const sync = (name, job) => jobs.push(once(m, name, [].concat(s[name].db).map((d) => m.dbUrl(s[name], d)).join(" "), job));
  if (enabled.glance) sync("glance", () => mustRun("glance-manage", "Glance: db sync", bin(m, "glance-manage"), ["--config-file", "/etc/glance/glance-api.conf", "db_sync"]));
  if (enabled.placement) sync("placement", () => mustRun("placement-manage", "Placement: db sync", bin(m, "placement-manage"), ["db", "sync"]));
  if (enabled.nova) sync("nova", async () => {
    await mustRun("nova-manage", "Nova: api_db sync", bin(m, "nova-manage"), ["api_db", "sync"]);
    await mustRun("nova-manage", "Nova: map cell0", bin(m, "nova-manage"), ["cell_v2", "map_cell0", "--database_connection", m.dbUrl(s.nova, "nova_cell0")]);
    const cells = sh(bin(m, "nova-manage"), ["cell_v2", "list_cells"]).stdout;
    if (!/\|\s*cell1\s*\|/.test(cells)) await mustRun("nova-manage", "Nova: create cell1", bin(m, "nova-manage"), ["cell_v2", "create_cell", "--name", "cell1"]);
    await mustRun("nova-manage", "Nova: db sync", bin(m, "nova-manage"), ["db", "sync"]);
  });
  if (enabled.neutron) sync("neutron", () => mustRun("neutron-db-manage", "Neutron: db upgrade", bin(m, "neutron-db-manage"), ["--config-file", "/etc/neutron/neutron.conf", "--config-file", "/etc/neutron/plugins/ml2/ml2_conf.ini", "upgrade", "heads"]));
  if (enabled.heat) sync("heat", () => mustRun("heat-manage", "Heat: db sync", bin(m, "heat-manage"), ["db_sync"]));
  if (enabled.cinder) sync("cinder", () => mustRun("cinder-manage", "Cinder: db sync", bin(m, "cinder-manage"), ["db", "sync"]));
  return jobs;
}

/** Runs async jobs, at most `limit` at once; the first failure wins. */
async function pool(jobs, limit) {
  let next = 0;
  const worker = async () => { while (next < jobs.length) await jobs[next++](); };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}

async function ovnCentral(m) {
  fs.mkdirSync(`${STATE}/ovn`, { recursive: true });
  fs.mkdirSync("/run/ovn", { recursive: true });
  const procs = [];
  for (const [db, schema, port] of [["ovnnb_db", "ovn-nb", PORTS.ovnNb], ["ovnsb_db", "ovn-sb", PORTS.ovnSb]]) {
    const file = `${STATE}/ovn/${db}.db`;
    if (!fs.existsSync(file)) {
      const r = sh("/usr/bin/ovsdb-tool", ["create", file, `/usr/share/ovn/${schema}.ovsschema`]);
      if (r.code !== 0) fail(`OVN: creating ${file} failed: ${r.stderr.trim()}`);
    }
    procs.push(daemon(`ovsdb-server-${db}`, "/usr/sbin/ovsdb-server", [
      file, `--remote=punix:/run/ovn/${db}.sock`, `--remote=ptcp:${port}:${m.address}`, `--unixctl=/run/ovn/${db}.ctl`, `--log-file=${LOGS}/ovsdb-server-${db}.log`,
    ]));
  }
  for (const [db, port] of [["ovnnb_db", PORTS.ovnNb], ["ovnsb_db", PORTS.ovnSb]]) await waitFor(`OVN ${db}`, () => tcpOpen(m.address, port), { proc: procs.find((p) => p.name.endsWith(db)), timeoutMs: 20000 });
  procs.push(daemon("ovn-northd", "/usr/bin/ovn-northd", ["--ovnnb-db=unix:/run/ovn/ovnnb_db.sock", "--ovnsb-db=unix:/run/ovn/ovnsb_db.sock", "--unixctl=/run/ovn/ovn-northd.ctl", `--log-file=${LOGS}/ovn-northd.log`]));
  say(`OVN northbound/southbound databases on ${m.address}:${PORTS.ovnNb}/${PORTS.ovnSb}, northd`);
}

/** The services' admin commands where RDO's packages put them (/usr/bin), from the venv. */
function linkAdminCommands(m) {
  const names = ["keystone-manage", "glance-manage", "placement-manage", "nova-manage", "neutron-db-manage", "heat-manage", "cinder-manage"];
  for (const name of names) {
    const target = bin(m, name);
    const link = `/usr/bin/${name}`;
    if (!fs.existsSync(target)) continue;
    try { if (fs.readlinkSync(link) === target) continue; } catch { /* absent */ }
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
  }
}

async function roleController(m) {
  const { enabled, services: s } = m;
  linkAdminCommands(m);
  for (const d of ["/var/lib/glance/images", "/var/lib/glance/staging", "/var/lib/glance/tasks", "/var/lib/glance/lock", "/var/lib/nova/lock", "/var/lib/neutron/lock", "/var/lib/heat/lock", "/var/lib/cinder/lock"]) fs.mkdirSync(d, { recursive: true });
  if (enabled.neutron) await ovnCentral(m);
  // Keystone first (everyone authenticates against it); the other database syncs meanwhile.
  const keystone = (async () => {
    await once(m, "keystone", m.dbUrl(m.services.keystone), () => mustRun("keystone-manage", "Keystone: db sync", bin(m, "keystone-manage"), ["db_sync"]))();
    for (const [what, dir] of [["fernet_setup", "/etc/keystone/fernet-keys"], ["credential_setup", "/etc/keystone/credential-keys"]]) {
      if (!fs.existsSync(path.join(dir, "0"))) await mustRun("keystone-manage", `Keystone: ${what}`, bin(m, "keystone-manage"), [what, "--keystone-user", "root", "--keystone-group", "root"]);
    }
    await mustRun("keystone-manage", "Keystone: bootstrap", bin(m, "keystone-manage"), [
      "bootstrap", "--bootstrap-password", m.adminPw(), "--bootstrap-username", m.adminUser, "--bootstrap-project-name", "admin",
      "--bootstrap-role-name", "admin", "--bootstrap-service-name", "keystone", "--bootstrap-region-id", m.region,
      "--bootstrap-admin-url", m.keystoneUrl, "--bootstrap-public-url", m.keystoneUrl, "--bootstrap-internal-url", m.keystoneUrl,
    ]);
    const proc = uwsgi(m, "keystone", wsgiApp(m, "keystone.wsgi.api:application", "keystone-wsgi-public"), PORTS.keystone, 2);
    await waitFor("Keystone", () => answers200(`${m.keystoneUrl}/v3`), { proc, timeoutMs: 300000 });
    say(`Keystone on ${m.keystoneUrl} (region ${m.region})`);
    await registerServices(m);
  })();
  const restored = restoreSnapshot(m);
  const syncs = await dbSyncs(m);
  await Promise.all([keystone, pool(syncs, 2)]);
  if (!restored && syncs.length && !fs.existsSync(path.join(SNAPSHOTS, snapshotName(m)))) takeSnapshot(m);
  say("database schemas in place");

  const waits = [];
  const api = (name, module, script, port, label, processes = 1) => {
    const proc = uwsgi(m, name, wsgiApp(m, module, script), port, processes);
    waits.push(waitFor(label, () => answers200(`http://${m.address}:${port}/`), { proc, timeoutMs: 300000 }));
  };
  if (enabled.placement) api("placement-api", "placement.wsgi.api:application", "placement-api", PORTS.placement, "Placement API");
  if (enabled.glance) api("glance-api", "glance.wsgi.api:application", "glance-wsgi-api", PORTS.glance, "Glance API");
  if (enabled.nova) {
    api("nova-api", "nova.wsgi.osapi_compute:application", "nova-api-wsgi", PORTS.nova, "Nova API", 2);
    for (const d of ["nova-conductor", "nova-scheduler"]) daemon(d, bin(m, d), [], { configs: ["/etc/nova/nova.conf"] });
  }
  if (enabled.neutron) {
    const proc = daemon("neutron-server", bin(m, "neutron-server"), ["--config-file", "/etc/neutron/neutron.conf", "--config-file", "/etc/neutron/plugins/ml2/ml2_conf.ini"], { configs: configsOf("neutron") });
    waits.push(waitFor("Neutron server", () => answers200(`http://${m.address}:${PORTS.neutron}/`), { proc, timeoutMs: 300000 }));
  }
  if (enabled.heat) {
    api("heat-api", "heat.wsgi.api:application", "heat-wsgi-api", PORTS.heat, "Heat API");
    if (enabled.heatCfn) api("heat-api-cfn", "heat.wsgi.cfn:application", "heat-wsgi-api-cfn", PORTS.heatCfn, "Heat CloudFormation API");
    daemon("heat-engine", bin(m, "heat-engine"), [], { configs: ["/etc/heat/heat.conf"] });
  }
  if (enabled.cinder) {
    api("cinder-api", "cinder.wsgi.api:application", "cinder-wsgi", PORTS.cinder, "Cinder API");
    daemon("cinder-scheduler", bin(m, "cinder-scheduler"), [], { configs: ["/etc/cinder/cinder.conf"] });
  }
  await Promise.all(waits);
  say(`APIs answer: ${["keystone", ...["placement", "glance", "nova", "neutron", "heat", "cinder"].filter((x) => enabled[x])].join(", ")}`);
}

async function registerServices(m) {
  const ks = new Keystone(m);
  await ks.login();
  const project = await ks.ensure("projects", "project", "services", { domain_id: "default", description: "Tenant for the openstack services" }, "&domain_id=default");
  const admin = await ks.find("roles", "admin");
  const serviceRole = await ks.ensure("roles", "role", "service", {});
  await ks.ensure("roles", "role", "member", {});
  for (const [name, svc] of Object.entries(m.services)) {
    if (name === "keystone" || !m.enabled[name]) continue;
    if (svc.user) {
      const user = await ks.ensureUser(svc.user, svc.pw());
      await ks.grant(project.id, user.id, admin.id);
      // Without the service role Neutron rejects Nova's service token.
      await ks.grant(project.id, user.id, serviceRole.id);
    }
    await ks.ensureEndpoints(svc.serviceName ?? name, svc.type, svc.url);
  }
  if (m.enabled.heat) {
    const domainName = m.a.get("CONFIG_HEAT_DOMAIN", "heat");
    const domain = await ks.ensure("domains", "domain", domainName, { description: "Heat stack projects and users" });
    const domainAdmin = await ks.ensureUser(m.a.get("CONFIG_HEAT_DOMAIN_ADMIN", "heat_admin"), m.a.get("CONFIG_HEAT_DOMAIN_PASSWORD"), domain.id);
    await ks.call("PUT", `/domains/${domain.id}/users/${domainAdmin.id}/roles/${admin.id}`);
    await ks.ensure("roles", "role", "heat_stack_owner", {});
    await ks.ensure("roles", "role", "heat_stack_user", {});
  }
  say("Keystone: services project, service users, endpoints registered");
}

async function openvswitch(m, { gateway }) {
  fs.mkdirSync(`${STATE}/openvswitch`, { recursive: true });
  fs.mkdirSync("/run/openvswitch", { recursive: true });
  const dbFile = `${STATE}/openvswitch/conf.db`;
  if (!fs.existsSync(dbFile)) {
    const r = sh("/usr/bin/ovsdb-tool", ["create", dbFile, "/usr/share/openvswitch/vswitch.ovsschema"]);
    if (r.code !== 0) fail(`Open vSwitch: creating ${dbFile} failed: ${r.stderr.trim()}`);
  }
  const db = daemon("ovsdb-server", "/usr/sbin/ovsdb-server", [dbFile, "--remote=punix:/run/openvswitch/db.sock", "--remote=db:Open_vSwitch,Open_vSwitch,manager_options", "--pidfile=/run/openvswitch/ovsdb-server.pid", `--log-file=${LOGS}/ovsdb-server.log`]);
  await waitFor("Open vSwitch database", () => fs.existsSync("/run/openvswitch/db.sock"), { proc: db, timeoutMs: 20000 });
  const vsctl = (...args) => {
    const r = sh("/usr/bin/ovs-vsctl", ["--timeout=20", ...args]);
    if (r.code !== 0) fail(`Open vSwitch: ovs-vsctl ${args.join(" ")} failed: ${r.stderr.trim()}`);
    return r.stdout;
  };
  vsctl("--no-wait", "init");
  // Userspace datapath on dummy devices: no kernel module, no host network device touched.
  const vswitchd = daemon("ovs-vswitchd", "/usr/sbin/ovs-vswitchd", ["unix:/run/openvswitch/db.sock", "--enable-dummy=override", "--disable-system", "--pidfile=/run/openvswitch/ovs-vswitchd.pid", `--log-file=${LOGS}/ovs-vswitchd.log`]);
  await waitFor("ovs-vswitchd", () => fs.readdirSync("/run/openvswitch").some((f) => /^ovs-vswitchd\.\d+\.ctl$/.test(f)), { proc: vswitchd, timeoutMs: 30000 });
  const mappings = [];
  if (gateway || m.a.raw.CONFIG_NEUTRON_OVN_BRIDGES_COMPUTE) {
    for (const mapping of m.a.list("CONFIG_NEUTRON_OVN_BRIDGE_MAPPINGS")) {
      const bridge = mapping.split(":")[1];
      if (!gateway && !m.a.list("CONFIG_NEUTRON_OVN_BRIDGES_COMPUTE").includes(bridge)) continue;
      mappings.push(mapping);
      vsctl("--may-exist", "add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev");
    }
    for (const pair of m.a.list("CONFIG_NEUTRON_OVN_BRIDGE_IFACES")) {
      const [bridge, iface] = pair.split(":");
      if (mappings.some((x) => x.endsWith(`:${bridge}`))) vsctl("--may-exist", "add-port", bridge, iface);
    }
  }
  vsctl("--may-exist", "add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=netdev", "fail-mode=secure");
  const ids = {
    "system-id": m.hostname, hostname: m.hostname, "ovn-remote": `"tcp:${m.controller}:${PORTS.ovnSb}"`, "ovn-encap-type": "geneve",
    "ovn-encap-ip": m.address, "ovn-bridge": "br-int", "ovn-bridge-datapath-type": "netdev",
    "ovn-bridge-mappings": `"${mappings.join(",")}"`, "ovn-cms-options": gateway ? "enable-chassis-as-gw" : '""',
  };
  vsctl("set", "Open_vSwitch", ".", ...Object.entries(ids).map(([k, v]) => `external_ids:${k}=${v}`));
  fs.mkdirSync("/run/ovn", { recursive: true });
  const ctl = daemon("ovn-controller", "/usr/bin/ovn-controller", ["unix:/run/openvswitch/db.sock", "--pidfile=/run/ovn/ovn-controller.pid", `--log-file=${LOGS}/ovn-controller.log`]);
  await sleep(200);
  if (!alive(ctl.pid)) fail(`ovn-controller exited: ${tail(ctl.log, 3)} (log ${ctl.log})`);
  say(`Open vSwitch (userspace) and ovn-controller, encap ${m.address}${gateway ? ", gateway chassis" : ""}${mappings.length ? `, mappings ${mappings.join(",")}` : ""}`);
}

/** A host is a gateway chassis when the answer file lists it in CONFIG_NETWORK_HOSTS, whichever manifest runs. */
const isGateway = (m) => m.a.list("CONFIG_NETWORK_HOSTS").includes(m.address);

async function roleCompute(m) {
  if (m.enabled.neutron) await openvswitch(m, { gateway: isGateway(m) });
  if (!m.enabled.nova) return;
  fs.mkdirSync("/var/lib/nova/instances", { recursive: true });
  fs.mkdirSync("/var/lib/nova/lock", { recursive: true });
  const proc = daemon("nova-compute", bin(m, "nova-compute"), [], { configs: ["/etc/nova/nova.conf"] });
  await sleep(500);
  if (!alive(proc.pid)) fail(`nova-compute exited: ${tail(proc.log, 3)} (log ${proc.log})`);
  say(`nova-compute (fake driver) as ${m.hostname}`);
}

async function roleNetwork(m) {
  if (!m.enabled.neutron) return;
  await openvswitch(m, { gateway: isGateway(m) });
}

async function roleStorage(m) {
  if (!m.enabled.cinder) return;
  fs.mkdirSync("/var/lib/cinder/lock", { recursive: true });
  const proc = daemon("cinder-volume", bin(m, "cinder-volume"), [], { configs: ["/etc/cinder/cinder.conf"] });
  await sleep(500);
  if (!alive(proc.pid)) fail(`cinder-volume exited: ${tail(proc.log, 3)} (log ${proc.log})`);
  say("cinder-volume (fake driver)");
}

// Packstack's flavors (nova::flavor in its manifests): name, id, vcpus, ram MiB, disk GiB.
const FLAVORS = [["m1.tiny", "1", 1, 512, 1], ["m1.small", "2", 1, 2048, 20], ["m1.medium", "3", 2, 4096, 40], ["m1.large", "4", 4, 8192, 80], ["m1.xlarge", "5", 8, 16384, 160]];

function keystonerc(m, user, password, project) {
  return [
    "unset OS_SERVICE_TOKEN",
    `    export OS_USERNAME=${user}`,
    `    export OS_PASSWORD='${password.replace(/'/g, "'\\''")}'`,
    `    export OS_REGION_NAME=${m.region}`,
    `    export OS_AUTH_URL=${m.keystoneUrl}/v3`,
    `    export PS1='[\\u@\\h \\W(keystone_${user})]\\$ '`,
    "    ",
    `export OS_PROJECT_NAME=${project}`,
    "export OS_USER_DOMAIN_NAME=Default",
    "export OS_PROJECT_DOMAIN_NAME=Default",
    "export OS_IDENTITY_API_VERSION=3",
    "    ",
  ].join("\n") + "\n";
}

/** A minimal valid qcow2 (v2, 64 KiB clusters, 1 GiB virtual, no data): what the demo image needs to be. */
function tinyQcow2() {
  const cluster = 65536;
  const buf = Buffer.alloc(cluster * 4);
  buf.write("QFI\xfb", 0, "latin1");
  buf.writeUInt32BE(2, 4); // version
  buf.writeUInt32BE(16, 20); // cluster_bits
  buf.writeBigUInt64BE(1n << 30n, 24); // size
  buf.writeUInt32BE(2, 36); // l1_size (1 GiB / (8192 entries * 64 KiB) rounded up)
  buf.writeBigUInt64BE(BigInt(cluster * 3), 40); // l1_table_offset
  buf.writeBigUInt64BE(BigInt(cluster), 48); // refcount_table_offset
  buf.writeUInt32BE(1, 56); // refcount_table_clusters
  buf.writeBigUInt64BE(BigInt(cluster * 2), cluster); // refcount table → block at cluster 2
  for (let i = 0; i < 4; i++) buf.writeUInt16BE(1, cluster * 2 + i * 2);
  return buf;
}

/** The lab's image server: a tiny static HTTP server on the controller that Glance's web-download fetches from. */
async function imageServer(m) {
  const dir = `${STATE}/images`;
  fs.mkdirSync(dir, { recursive: true });
  const server = `${STATE}/image-server.js`;
  writeFile(server, `const http=require("http"),fs=require("fs"),path=require("path");const dir=${JSON.stringify(dir)};
http.createServer((q,s)=>{const f=path.join(dir,path.basename(decodeURIComponent(q.url.split("?")[0])));fs.stat(f,(e,st)=>{if(e||!st.isFile()){s.writeHead(404);return s.end();}s.writeHead(200,{"Content-Length":st.size,"Content-Type":"application/octet-stream"});if(q.method==="HEAD")return s.end();fs.createReadStream(f).pipe(s);});}).listen(${IMAGE_PORT},${JSON.stringify(m.address)});\n`, 0o644);
  const proc = daemon("image-server", process.execPath, [server]);
  await waitFor("image server", () => tcpOpen(m.address, IMAGE_PORT), { proc, timeoutMs: 10000 });
  return { dir, url: (name) => `http://${m.address}:${IMAGE_PORT}/${encodeURIComponent(name)}` };
}

async function rolePost(m) {
  const ks = new Keystone(m);
  await ks.login();
  const endpoint = (type) => {
    const svc = ks.catalog.find((c) => c.type === type);
    const e = svc?.endpoints.find((x) => x.interface === "public" && x.region_id === m.region);
    return e?.url;
  };
  const api = async (method, url, body, ok = [200, 201, 202, 204]) => {
    const r = await request(method, url, { body, headers: { "X-Auth-Token": ks.token, "OpenStack-API-Version": "compute 2.55" } });
    if (!ok.includes(r.status)) fail(`${method} ${url} failed (HTTP ${r.status}): ${r.text.slice(0, 300)}`);
    return r.json;
  };
  await waitForComputes(m, api, endpoint);
  if (m.enabled.nova && m.a.yes("CONFIG_NOVA_MANAGE_FLAVORS")) {
    const nova = endpoint("compute");
    const existing = (await api("GET", `${nova}/flavors?is_public=None`)).flavors.map((f) => f.name);
    for (const [name, id, vcpus, ram, disk] of FLAVORS) {
      if (!existing.includes(name)) await api("POST", `${nova}/flavors`, { flavor: { name, id, vcpus, ram, disk, "os-flavor-access:is_public": true } });
    }
    say(`flavors ${FLAVORS.map((f) => f[0]).join(", ")}`);
  }
  if (m.a.yes("CONFIG_PROVISION_DEMO")) await provisionDemo(m, ks, endpoint, api);
  writeFile("/root/keystonerc_admin", keystonerc(m, m.adminUser, m.adminPw(), "admin"), 0o600);
  say("/root/keystonerc_admin written");
}

/** As Packstack's post manifest discovers compute hosts: every compute host's nova-compute up and mapped, every chassis alive. */
async function waitForComputes(m, api, endpoint) {
  const computes = m.enabled.nova ? m.a.list("CONFIG_COMPUTE_HOSTS") : [];
  const chassis = m.enabled.neutron ? [...new Set([...m.a.list("CONFIG_COMPUTE_HOSTS"), ...m.a.list("CONFIG_NETWORK_HOSTS")])] : [];
  let status = "";
  if (computes.length) {
    const nova = endpoint("compute");
    let discovered = 0;
    await waitFor(`Nova: compute hosts ${computes.join(", ")}`, async () => {
      const up = (await api("GET", `${nova}/os-services?binary=nova-compute`)).services.filter((x) => x.state === "up").length;
      const hypervisors = (await api("GET", `${nova}/os-hypervisors`)).hypervisors.length;
      status = `${up} of ${computes.length} nova-compute up, ${hypervisors} mapped`;
      if (up >= computes.length && hypervisors < computes.length && Date.now() - discovered > 5000) {
        discovered = Date.now();
        await runLogged("nova-manage", bin(m, "nova-manage"), ["cell_v2", "discover_hosts"]);
      }
      return up >= computes.length && hypervisors >= computes.length;
    }, { timeoutMs: 300000, status: () => status });
  }
  if (chassis.length) {
    const neutron = endpoint("network");
    await waitFor(`Neutron: OVN chassis ${chassis.join(", ")}`, async () => {
      const alive = (await api("GET", `${neutron}/v2.0/agents?binary=ovn-controller`)).agents.filter((x) => x.alive).length;
      status = `${alive} of ${chassis.length} OVN controller agents alive`;
      return alive >= chassis.length;
    }, { timeoutMs: 300000, status: () => status });
  }
  say(`${computes.length} compute host(s) registered, ${chassis.length} OVN chassis alive`);
}

async function provisionDemo(m, ks, endpoint, api) {
  const project = await ks.ensure("projects", "project", "demo", { domain_id: "default", description: "default tenant" }, "&domain_id=default");
  const user = await ks.ensureUser("demo", m.a.get("CONFIG_KEYSTONE_DEMO_PW"), "default", project.id);
  const member = await ks.find("roles", "member");
  await ks.grant(project.id, user.id, member.id);
  writeFile("/root/keystonerc_demo", keystonerc(m, "demo", m.a.get("CONFIG_KEYSTONE_DEMO_PW"), "demo"), 0o600);
  if (m.enabled.neutron) {
    const neutron = `${endpoint("network")}/v2.0`;
    const one = async (kind, name, body, query = "") => {
      const found = (await api("GET", `${neutron}/${kind}s?name=${encodeURIComponent(name)}${query}`))[`${kind}s`][0];
      return found ?? (await api("POST", `${neutron}/${kind}s`, { [kind]: { name, ...body } }))[kind];
    };
    const physnet = m.a.get("CONFIG_NEUTRON_OVN_EXTERNAL_PHYSNET", "extnet");
    const floatRange = m.a.get("CONFIG_PROVISION_DEMO_FLOATRANGE", "172.24.4.0/24");
    const pub = await one("network", "public", { "router:external": true, "provider:network_type": "flat", "provider:physical_network": physnet });
    let pools = [];
    try {
      pools = JSON.parse(m.a.get("CONFIG_PROVISION_DEMO_ALLOCATION_POOLS", "[]").replace(/'/g, '"')).map((p) => Object.fromEntries(p.split(",").map((kv) => kv.split("="))));
    } catch { pools = []; }
    const pubSubnet = await one("subnet", "public_subnet", { network_id: pub.id, cidr: floatRange, ip_version: 4, enable_dhcp: false, ...(pools.length ? { allocation_pools: pools } : {}) });
    const priv = await one("network", "private", { project_id: project.id });
    const privSubnet = await one("subnet", "private_subnet", { network_id: priv.id, cidr: "10.0.0.0/24", ip_version: 4, project_id: project.id });
    const router = await one("router", "router1", { project_id: project.id, external_gateway_info: { network_id: pub.id } });
    const ports = (await api("GET", `${neutron}/ports?device_id=${router.id}&network_id=${priv.id}`)).ports;
    if (!ports.length) await api("PUT", `${neutron}/routers/${router.id}/add_router_interface`, { subnet_id: privSubnet.id });
    say(`demo networks: public ${pubSubnet.cidr} (${physnet}), private 10.0.0.0/24, router1`);
  }
  if (m.enabled.glance) {
    const glance = endpoint("image");
    const name = m.a.get("CONFIG_PROVISION_IMAGE_NAME", "cirros");
    const format = m.a.get("CONFIG_PROVISION_IMAGE_FORMAT", "qcow2");
    const existing = (await api("GET", `${glance}/v2/images?name=${encodeURIComponent(name)}`)).images;
    if (!existing.length) {
      // The lab has no Internet: the answer file's image URL is served from inside the lab under its own file name.
      const server = await imageServer(m);
      const file = path.basename(new URL(m.a.get("CONFIG_PROVISION_IMAGE_URL", "http://lab/cirros.img")).pathname) || "image.img";
      fs.writeFileSync(path.join(server.dir, file), format === "qcow2" ? tinyQcow2() : Buffer.alloc(1 << 20));
      const image = await api("POST", `${glance}/v2/images`, { name, disk_format: format, container_format: "bare", visibility: "public" });
      await api("POST", `${glance}/v2/images/${image.id}/import`, { method: { name: "web-download", uri: server.url(file) } });
      await waitFor(`Glance: importing image ${name}`, async () => {
        const r = await api("GET", `${glance}/v2/images/${image.id}`);
        if (["killed", "deleted"].includes(r.status)) fail(`Glance: importing image ${name} from ${server.url(file)} failed (status ${r.status})`);
        return r.status === "active";
      }, { timeoutMs: 60000 });
    }
    say(`demo image ${name} (${format})`);
  }
}

// ---------------------------------------------------------------- main
function hostAddress() {
  const address = sh("/usr/sbin/ip", ["-4", "-o", "addr", "show", "eth0"]).stdout.match(/inet ([0-9.]+)/)?.[1];
  if (!address) fail("cannot tell this host's address (no --address, no IPv4 on eth0)");
  return address;
}

const ORDER = ["mariadb", "amqp", "controller", "network", "compute", "storage", "post"];
let rolesArg = [];

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const command = args._[0];
  fs.mkdirSync(PIDS, { recursive: true });
  fs.mkdirSync(LOGS, { recursive: true });
  if (command === "stop") {
    const stopped = stopAll();
    say(`stopped ${stopped.length ? stopped.join(", ") : "nothing"}`);
    return;
  }
  if (command === "status") {
    for (const f of fs.readdirSync(PIDS).filter((x) => x.endsWith(".json"))) {
      const rec = recorded(f.slice(0, -5));
      if (rec) process.stdout.write(`${rec.name}\t${rec.pid}\t${alive(rec.pid) ? "running" : "dead"}\t${rec.log}\n`);
    }
    return;
  }
  if (command === "images") {
    const address = args.address ?? hostAddress();
    const server = await imageServer({ address });
    for (const [name, content] of [["cirros.qcow2", tinyQcow2()], ["tiny.raw", Buffer.alloc(1 << 20)]]) {
      if (!fs.existsSync(path.join(server.dir, name))) fs.writeFileSync(path.join(server.dir, name), content);
    }
    say(`image server on ${server.url("")} serving ${server.dir}`);
    return;
  }
  if (command !== "start") fail("usage: launch.js start --answers FILE --roles ROLE[,ROLE] [--venv DIR] [--address A] | images [--address A] | stop | status");
  const venv = args.venv ?? process.env.RDOCTL_OPENSTACK_VENV ?? (fs.existsSync("/etc/rdoctl-lab/openstack-venv") ? fs.readFileSync("/etc/rdoctl-lab/openstack-venv", "utf8").trim() : undefined);
  if (!venv || !fs.existsSync(path.join(venv, "bin/python"))) fail(`no OpenStack venv at ${venv ?? "(none given)"}: build one with node scripts/openstack-venv.mjs`);
  rolesArg = String(args.roles ?? "").split(",").map((r) => r.trim()).filter(Boolean);
  const unknown = rolesArg.filter((r) => !ORDER.includes(r));
  if (!rolesArg.length || unknown.length) fail(`--roles must list some of ${ORDER.join(", ")}${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`);
  const answers = readAnswers(args.answers ?? "");
  const address = args.address ?? hostAddress();
  const m = cloudModel(answers, address, venv);
  process.env.PATH = `${path.join(venv, "bin")}:${process.env.PATH}`;
  // The lab's `openstack` command runs this venv's client from now on (test/lab/.../bin/openstack).
  writeFile(`${STATE}/venv`, `${venv}\n`, 0o644);
  writeConfigs(m, rolesArg);
  for (const role of ORDER.filter((r) => rolesArg.includes(r))) {
    if (role === "mariadb") await roleMariadb(m);
    if (role === "amqp") await roleAmqp(m);
    if (role === "controller") await roleController(m);
    if (role === "network") await roleNetwork(m);
    if (role === "compute") await roleCompute(m);
    if (role === "storage") await roleStorage(m);
    if (role === "post") await rolePost(m);
  }
  say(`done: ${rolesArg.join(", ")}`);
}

main().catch((e) => {
  if (e instanceof LaunchError) process.stdout.write(`Error: ${e.message}\n`);
  else process.stdout.write(`Error: launch.js crashed: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" ") : e}\n`);
  process.exit(1);
});
