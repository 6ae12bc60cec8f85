// The day-1 stacks applied for real: `cdktf deploy` of lab-basics, identity and app-template with the
// real engine and terraform-provider-openstack against the lab's real OpenStack services (one cloud
// for the whole file); a second plan changes nothing; the cloud is read back through its REST APIs
// (never through Terraform's state); faults give one line naming stack, resource and what to do;
// `cdktf destroy` leaves nothing behind. An own cdktf project on rdoctl (examples/own-project, its
// own cdktf, tsx and local state) puts a server into lab-basics' project and network and takes it away.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { diagnoseDeploy, formatDeployProblem } from "../../src/cloud/deploy-diagnosis";
import { runEngine, type EngineStatus } from "../../src/cloud/engine";
import { isLabSupported, reportLabSkipped } from "../lab/lab";
import { httpCall } from "../lab/openstack-api";
import { startOpenStackCloud, type OpenStackCloud } from "../lab/openstack-cloud";
import { engineOrSkip } from "../provider/engine";
import { OWN_PROJECT, ensureOwnProjectInstalled } from "./own-project-install";

const ROOT = path.resolve(__dirname, "../..");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");
/** An operator's own cdktf project on rdoctl, deployed with its own cdktf and tsx. */
const WHERE = "test/cloud/apply.test.ts";
const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", WHERE);
const engine: EngineStatus | undefined = support.ok ? engineOrSkip(WHERE) : undefined;

/** The stacks' cloud entry: the topology's name (inventories/all-in-one.yaml). */
const CLOUD_ENTRY = "all-in-one";
const PASSWORDS = { demo: "demo-pass-1", ahmed: "ahmed-pass-1", ali: "ali-pass-1" };

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 900_000, cwd = ROOT): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }, timeoutMs);
    // A command that cannot start (not installed) fails the run instead of leaving it pending.
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${command}: ${error.message}`, seconds: (performance.now() - started) / 1000 });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, ""), seconds: (performance.now() - started) / 1000 });
    });
  });
}

function tail(r: Run, n = 6000): string {
  return r.output.slice(-n);
}

describe.runIf(support.ok && engine)("cdktf deploy / destroy of the day-1 stacks on a real OpenStack", () => {
  let cloud: OpenStackCloud;
  let work: string;
  let outdir: string;
  let env: NodeJS.ProcessEnv;
  const timings: Record<string, number> = {};

  const cdktf = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) =>
    run(CDKTF, [...args, "--auto-approve", "--skip-provider-lock", "--output", outdir], { ...env, ...extra });

  /** Keystone, as the cloud's admin (the catalog's identity URL has no version). */
  const keystone = async (listPath: string) => (await httpCall("GET", `${cloud.authUrl.replace(/\/+$/, "")}${listPath}`, { headers: { "X-Auth-Token": cloud.api.token } })).body;

  /** Terraform's own verdict on a deployed stack: exit 0 of `plan -detailed-exitcode` means no change. */
  const planIsEmpty = (stack: string) => {
    const dir = path.join(outdir, "stacks", stack);
    const plan = runEngine(engine!, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"], dir, env as Record<string, string>);
    return { code: plan.status, text: `${plan.stdout.slice(-3000)}${plan.stderr.slice(-2000)}` };
  };

  beforeAll(async () => {
    cloud = await startOpenStackCloud();
    timings.cloudStart = Object.values(cloud.timings).reduce((a, b) => a + b, 0);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-apply-"));
    outdir = path.join(work, "cdktf.out");
    // The stacks name the clouds.yaml entry after the topology; the lab's entry carries its own name.
    const labEntry = YAML.parse(fs.readFileSync(cloud.cloudsYaml, "utf8")).clouds[cloud.cloudName];
    fs.writeFileSync(path.join(work, "clouds.yaml"), YAML.stringify({ clouds: { [CLOUD_ENTRY]: labEntry } }), { mode: 0o600 });
    env = {
      ...process.env,
      ...engine!.env,
      CI: "1",
      FORCE_COLOR: "0",
      OS_CLIENT_CONFIG_FILE: path.join(work, "clouds.yaml"),
      // cdktf's local state would otherwise sit in the checkout, shared with anyone deploying from it.
      RDOCTL_STATE: "local",
      RDOCTL_STATE_DIR: path.join(work, "state"),
      RDOCTL_CIRROS_IMAGE: `${cloud.imageBaseUrl.replace(/\/+$/, "")}/cirros.qcow2`,
      TF_VAR_demo_password: PASSWORDS.demo,
      TF_VAR_ahmed_password: PASSWORDS.ahmed,
      TF_VAR_ali_password: PASSWORDS.ali,
    };
    for (const key of Object.keys(env)) if (key.startsWith("OS_") && key !== "OS_CLIENT_CONFIG_FILE") delete env[key];
  }, 900_000);

  afterAll(async () => {
    process.stderr.write(`apply timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10])))}\n`);
    await cloud?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 180_000);

  it("deploys lab-basics, then identity and app-template", async () => {
    const basics = await cdktf(["deploy", "lab-basics"]);
    timings.deployLabBasics = basics.seconds;
    expect(basics.code, `${diagnoseDeploy(basics.output).map(formatDeployProblem).join("\n")}\n${tail(basics)}`).toBe(0);
    for (const stack of ["identity", "app-template"]) {
      const deployed = await cdktf(["deploy", stack]);
      timings[`deploy-${stack}`] = deployed.seconds;
      expect(deployed.code, `${diagnoseDeploy(deployed.output).map(formatDeployProblem).join("\n")}\n${tail(deployed)}`).toBe(0);
    }
  }, 2_400_000);

  it("an own cdktf project (examples/own-project) puts its server into lab-basics' project and network; destroyed, the server is gone", async () => {
    const api = cloud.api;
    const identity = cloud.authUrl.replace(/\/+$/, "");
    const [demo] = (await keystone("/projects?name=demo")).projects as { id: string }[];
    const [privateNet] = (await api.get("network", "/v2.0/networks?name=private")).networks as { id: string }[];
    expect(demo && privateNet, "lab-basics is not deployed").toBeTruthy();
    // The project's entry `lab` is scoped to demo: the lab's admin gets a role there, as an operator would.
    const labEntry = YAML.parse(fs.readFileSync(cloud.cloudsYaml, "utf8")).clouds[cloud.cloudName];
    const [admin] = (await keystone(`/users?name=${encodeURIComponent(labEntry.auth.username)}`)).users as { id: string }[];
    const [adminRole] = (await keystone("/roles?name=admin")).roles as { id: string }[];
    const grant = await httpCall("PUT", `${identity}/projects/${demo!.id}/users/${admin!.id}/roles/${adminRole!.id}`, { headers: { "X-Auth-Token": api.token } });
    expect(grant.status).toBeLessThan(300);

    expect(ensureOwnProjectInstalled()).toBeUndefined();
    // cdktf runs in a folder of its own: its cdktf.json runs the example's main.ts, and cdktf's
    // local state (terraform.web.tfstate, where the app runs) lands there, not in the checkout.
    const own = path.join(work, "own-project");
    fs.mkdirSync(own);
    const config = JSON.parse(fs.readFileSync(path.join(OWN_PROJECT, "cdktf.json"), "utf8"));
    const tsx = path.join(OWN_PROJECT, "node_modules", ".bin", "tsx");
    fs.writeFileSync(path.join(own, "cdktf.json"), JSON.stringify({ ...config, app: `${tsx} ${path.join(OWN_PROJECT, "main.ts")}` }));
    const { project_id: _id, tenant_id: _tenant, tenant_name: _name, ...auth } = labEntry.auth;
    fs.writeFileSync(path.join(own, "clouds.yaml"), YAML.stringify({ clouds: { lab: { ...labEntry, auth: { ...auth, project_name: "demo" } } } }), { mode: 0o600 });
    const ownEnv = { ...env, OS_CLIENT_CONFIG_FILE: path.join(own, "clouds.yaml") };
    const ownCdktf = (command: string) =>
      run(path.join(OWN_PROJECT, "node_modules", ".bin", "cdktf"), [command, "web", "--auto-approve", "--skip-provider-lock", "--output", path.join(own, "cdktf.out")], ownEnv, 900_000, own);

    const deployed = await ownCdktf("deploy");
    timings.deployOwnProject = deployed.seconds;
    expect(deployed.code, `${diagnoseDeploy(deployed.output).map(formatDeployProblem).join("\n")}\n${tail(deployed)}`).toBe(0);
    expect(deployed.output).toContain(`rdoctl: web: clouds.yaml entry "lab" of ${path.join(own, "clouds.yaml")}`);
    expect(fs.existsSync(path.join(own, "terraform.web.tfstate"))).toBe(true);
    expect(fs.readdirSync(OWN_PROJECT).filter((f) => f.endsWith(".tfstate"))).toEqual([]);

    // Through the API: one web-1 in demo, ACTIVE, its port on lab-basics' network with the project's own group.
    const servers = (await api.get("compute", "/servers/detail?all_tenants=1")).servers as { id: string; name: string; status: string; tenant_id: string }[];
    const mine = servers.filter((s) => s.name === "web-1" && s.tenant_id === demo!.id);
    expect(mine.map((s) => s.status)).toEqual(["ACTIVE"]);
    const ports = (await api.get("network", `/v2.0/ports?device_id=${mine[0]!.id}`)).ports as { network_id: string; security_groups: string[] }[];
    expect(ports.map((p) => p.network_id)).toEqual([privateNet!.id]);
    const [group] = (await api.get("network", `/v2.0/security-groups?name=web-own&project_id=${demo!.id}`)).security_groups as { id: string }[];
    expect(ports[0]!.security_groups).toEqual([group!.id]);

    const destroyed = await ownCdktf("destroy");
    timings.destroyOwnProject = destroyed.seconds;
    expect(destroyed.code, `${diagnoseDeploy(destroyed.output).map(formatDeployProblem).join("\n")}\n${tail(destroyed)}`).toBe(0);
    // The provider stops waiting at status DELETED; Nova answers 404 once it has removed the instance's row.
    const gone = Date.now() + 60_000;
    let server = await api.call("GET", "compute", `/servers/${mine[0]!.id}`);
    while (server.status === 200 && Date.now() < gone) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      server = await api.call("GET", "compute", `/servers/${mine[0]!.id}`);
    }
    expect(server.status, JSON.stringify(server.body?.server?.status)).toBe(404);
    expect((await api.get("network", `/v2.0/security-groups?name=web-own`)).security_groups).toEqual([]);
    expect((await api.get("network", `/v2.0/networks?name=private`)).networks).toHaveLength(1);
  }, 1_200_000);

  it("a second deploy plans no change", () => {
    for (const stack of ["lab-basics", "identity", "app-template"]) {
      const plan = planIsEmpty(stack);
      expect(plan.code, `${stack}: ${plan.text}`).toBe(0);
    }
  }, 600_000);

  it("the identity example's tokens: ahmed admin on X, member on Y, refused Z; ali on Z only", async () => {
    const token = async (user: string, password: string, project: string) => {
      const r = await httpCall("POST", `${cloud.authUrl.replace(/\/+$/, "")}/auth/tokens`, {
        body: {
          auth: {
            identity: { methods: ["password"], password: { user: { name: user, domain: { name: "example" }, password } } },
            scope: { project: { name: project, domain: { name: "example" } } },
          },
        },
      });
      return { status: r.status, roles: ((r.body as { token?: { roles?: { name: string }[] } })?.token?.roles ?? []).map((x) => x.name).sort() };
    };
    expect(await token("ahmed", PASSWORDS.ahmed, "X")).toMatchObject({ status: 201, roles: expect.arrayContaining(["admin"]) });
    expect(await token("ahmed", PASSWORDS.ahmed, "Y")).toMatchObject({ status: 201, roles: expect.arrayContaining(["member"]) });
    expect((await token("ahmed", PASSWORDS.ahmed, "Y")).roles).not.toContain("admin");
    expect((await token("ahmed", PASSWORDS.ahmed, "Z")).status).toBe(401);
    expect(await token("ali", PASSWORDS.ali, "Z")).toMatchObject({ status: 201, roles: expect.arrayContaining(["admin"]) });
    expect((await token("ali", PASSWORDS.ali, "X")).status).toBe(401);
    expect((await token("ali", PASSWORDS.ali, "Y")).status).toBe(401);
  });

  it("image, networks, router, security groups, quotas, servers and the Heat stack are as declared", async () => {
    const api = cloud.api;
    const images = (await api.get("image", "/v2/images?name=cirros")).images as { status: string; visibility: string; disk_format: string }[];
    expect(images).toEqual([expect.objectContaining({ status: "active", visibility: "public", disk_format: "qcow2" })]);

    const network = async (name: string) => ((await api.get("network", `/v2.0/networks?name=${name}`)).networks as Record<string, any>[]);
    const [pub] = await network("public");
    expect(pub).toMatchObject({ "router:external": true, "provider:network_type": "flat", "provider:physical_network": "extnet" });
    const [priv] = await network("private");
    const [appNet] = await network("app-net");
    expect(priv && appNet).toBeTruthy();
    const subnets = (await api.get("network", "/v2.0/subnets")).subnets as Record<string, any>[];
    expect(subnets.find((s) => s.network_id === pub.id)).toMatchObject({ cidr: "203.0.113.0/24", gateway_ip: "203.0.113.1", enable_dhcp: false });
    const privSubnet = subnets.find((s) => s.network_id === priv.id);
    expect(privSubnet).toMatchObject({ cidr: "192.168.100.0/24", gateway_ip: "192.168.100.1", dns_nameservers: ["1.1.1.1", "9.9.9.9"] });
    expect(subnets.find((s) => s.network_id === appNet.id)).toMatchObject({ cidr: "192.168.50.0/24" });

    for (const [router, subnet] of [["router1", privSubnet!.id], ["app-router", subnets.find((s) => s.network_id === appNet.id)!.id]]) {
      const [r] = (await api.get("network", `/v2.0/routers?name=${router}`)).routers as Record<string, any>[];
      expect(r?.external_gateway_info?.network_id, router).toBe(pub.id);
      const ports = (await api.get("network", `/v2.0/ports?device_id=${r.id}&device_owner=network:router_interface`)).ports as Record<string, any>[];
      expect(ports.flatMap((p) => p.fixed_ips.map((ip: { subnet_id: string }) => ip.subnet_id)), router).toContain(subnet);
    }

    const groups = (await api.get("network", "/v2.0/security-groups")).security_groups as Record<string, any>[];
    const ingress = (name: string) =>
      groups
        .filter((g) => g.name === name)
        .flatMap((g) => g.security_group_rules)
        .filter((r: Record<string, any>) => r.direction === "ingress")
        .map((r: Record<string, any>) => `${r.protocol}:${r.port_range_min ?? ""}`)
        .sort();
    expect(ingress("ssh")).toEqual(["icmp:", "tcp:22"]);
    expect(ingress("web").filter((r: string) => r === "tcp:80" || r === "tcp:443")).toEqual(expect.arrayContaining(["tcp:443", "tcp:80"]));
    expect(ingress("web-heat")).toEqual(["icmp:", "tcp:22", "tcp:443", "tcp:80"]);

    const [demo] = (await keystone("/projects?name=demo")).projects as { id: string }[];
    expect(demo).toBeDefined();
    expect((await api.get("compute", `/os-quota-sets/${demo!.id}`)).quota_set).toMatchObject({ instances: 10, cores: 20, ram: 40960 });
    expect((await api.get("network", `/v2.0/quotas/${demo!.id}`)).quota).toMatchObject({ floatingip: 10 });
    expect((await api.get("volumev3", `/os-quota-sets/${demo!.id}`)).quota_set).toMatchObject({ gigabytes: 200 });

    const servers = (await api.get("compute", "/servers/detail?all_tenants=1")).servers as { name: string; status: string }[];
    const byName = Object.fromEntries(servers.map((s) => [s.name, s.status]));
    for (const name of ["web-1", "web-2", "web-3"]) expect(byName[name], name).toBe("ACTIVE");
    const heatServers = servers.filter((s) => s.name.startsWith("web-heat-"));
    expect(heatServers.map((s) => s.status)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
    const floating = (await api.get("network", "/v2.0/floatingips")).floatingips as { floating_network_id: string; port_id: string | null }[];
    expect(floating.filter((f) => f.floating_network_id === pub.id && f.port_id)).toHaveLength(3);

    const stacks = (await api.get("orchestration", "/stacks?name=web-heat")).stacks as { stack_status: string }[];
    expect(stacks).toEqual([expect.objectContaining({ stack_status: "CREATE_COMPLETE" })]);
  });

  it("a wrong password and an unreachable auth URL: one line naming stack, resource and what to do; fixed, the deploy converges", async () => {
    const entry = YAML.parse(fs.readFileSync(path.join(work, "clouds.yaml"), "utf8")).clouds[CLOUD_ENTRY];
    const broken = (name: string, auth: Record<string, unknown>) => {
      const file = path.join(work, `clouds-${name}.yaml`);
      fs.writeFileSync(file, YAML.stringify({ clouds: { [CLOUD_ENTRY]: { ...entry, auth: { ...entry.auth, ...auth } } } }), { mode: 0o600 });
      return file;
    };
    const wrongPassword = await cdktf(["deploy", "identity"], { OS_CLIENT_CONFIG_FILE: broken("password", { password: "not-the-password" }) });
    expect(wrongPassword.code).not.toBe(0);
    const [auth] = diagnoseDeploy(wrongPassword.output, { cloudEntry: CLOUD_ENTRY });
    expect(auth, tail(wrongPassword)).toMatchObject({ stack: "identity", kind: "auth" });
    expect(formatDeployProblem(auth!)).toMatch(/^deploy identity: \S+.*: the cloud refused the credentials \(HTTP 401\); check username, password, user domain and project of clouds.yaml entry all-in-one/);
    expect(wrongPassword.output).not.toContain("not-the-password");

    const unreachable = await cdktf(["deploy", "identity"], { OS_CLIENT_CONFIG_FILE: broken("url", { auth_url: "http://127.0.0.1:9/v3" }) });
    expect(unreachable.code).not.toBe(0);
    const problems = diagnoseDeploy(unreachable.output, { cloudEntry: CLOUD_ENTRY });
    expect(problems, tail(unreachable)).toHaveLength(1);
    expect(formatDeployProblem(problems[0]!)).toMatch(/^deploy identity: \S+.*: cannot reach http:\/\/127\.0\.0\.1:9\S* \(connection refused\); check auth_url of clouds.yaml entry all-in-one/);

    // Fixed (synth names the clouds.yaml it found, so deploy again with the right one): it converges, nothing to change.
    const fixed = await cdktf(["deploy", "identity"]);
    expect(fixed.code, tail(fixed)).toBe(0);
    expect(fixed.output).toMatch(/No changes\. Your infrastructure matches the configuration\.|0 added, 0 changed, 0 destroyed/);
    expect(planIsEmpty("identity").code).toBe(0);
  }, 900_000);

  it("a quota too small for the stack: one line naming stack, server and what to do; quota raised, the deploy converges", async () => {
    const api = cloud.api;
    const [admin] = (await keystone("/projects?name=admin")).projects as { id: string }[];
    const setInstances = (instances: number) => api.call("PUT", "compute", `/os-quota-sets/${admin!.id}`, { quota_set: { instances } });
    const away = await cdktf(["destroy", "app-template"]);
    expect(away.code, tail(away)).toBe(0);
    expect((await setInstances(2)).status).toBe(200);
    try {
      const refused = await cdktf(["deploy", "app-template"]);
      expect(refused.code).not.toBe(0);
      // Nova refuses at the API (quota) or accepts the servers and fails the one over quota when it
      // rechecks (server-error, the reason in the server's fault): either way one line names it.
      const problems = diagnoseDeploy(refused.output);
      const lines = problems.map(formatDeployProblem).join("\n");
      const servers = problems.filter((p) => p.address.startsWith("openstack_compute_instance_v2."));
      expect(servers.length, `${lines}\n${tail(refused)}`).toBeGreaterThan(0);
      for (const problem of servers) {
        expect(["quota", "server-error"], lines).toContain(problem.kind);
        expect(formatDeployProblem(problem)).toMatch(/^deploy app-template: openstack_compute_instance_v2\.\S+ \(web\/server-\d\/instance\): (the project's quota is too small.*; raise the quota|server \S+ went to ERROR; see why with `openstack server show)/);
        const id = /server (\S+) went to ERROR/.exec(problem.what)?.[1];
        if (id) expect(JSON.stringify((await api.get("compute", `/servers/${id}`)).server.fault ?? {}), lines).toMatch(/quota/i);
      }
      // The Heat form hits the same quota; provider 3.4.0 leaves the failed stack outside the state.
      for (const problem of problems.filter((p) => p.address.startsWith("openstack_orchestration_stack_v1."))) {
        expect(problem.kind, lines).toBe("heat-stack-failed");
      }
    } finally {
      expect((await setInstances(-1)).status).toBe(200);
    }
    // What the line says to do: delete the failed Heat stack, then deploy again.
    for (const stack of (await api.get("orchestration", "/stacks?name=web-heat")).stacks as { id: string; stack_name: string }[]) {
      expect((await api.call("DELETE", "orchestration", `/stacks/${stack.stack_name}/${stack.id}`)).status).toBeLessThan(300);
    }
    const deadline = Date.now() + 300_000;
    while (((await api.get("orchestration", "/stacks?name=web-heat")).stacks as unknown[]).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    const converged = await cdktf(["deploy", "app-template"]);
    expect(converged.code, `${diagnoseDeploy(converged.output).map(formatDeployProblem).join("\n")}\n${tail(converged)}`).toBe(0);
    expect(planIsEmpty("app-template").code).toBe(0);
    const servers = (await api.get("compute", "/servers/detail?all_tenants=1")).servers as { name: string; status: string }[];
    expect(servers.filter((s) => s.name.startsWith("web")).map((s) => s.status)).toEqual(Array(6).fill("ACTIVE"));
  }, 1_800_000);

  it("cdktf destroy leaves nothing behind, as the APIs say", async () => {
    for (const stack of ["app-template", "identity", "lab-basics"]) {
      const destroyed = await cdktf(["destroy", stack]);
      timings[`destroy-${stack}`] = destroyed.seconds;
      expect(destroyed.code, `${diagnoseDeploy(destroyed.output).map(formatDeployProblem).join("\n")}\n${tail(destroyed)}`).toBe(0);
    }
    const api = cloud.api;
    const names = async (type: string, listPath: string, key: string) =>
      ((type === "identity" ? await keystone(listPath) : await api.get(type, listPath))[key] as { name: string }[]).map((x) => x.name);
    expect(await names("image", "/v2/images", "images")).not.toContain("cirros");
    expect((await names("network", "/v2.0/networks", "networks")).filter((n) => ["public", "private", "app-net"].includes(n))).toEqual([]);
    expect((await names("network", "/v2.0/routers", "routers")).filter((n) => ["router1", "app-router"].includes(n))).toEqual([]);
    expect((await names("network", "/v2.0/security-groups", "security_groups")).filter((n) => ["ssh", "web", "web-heat"].includes(n))).toEqual([]);
    expect(((await api.get("network", "/v2.0/floatingips")).floatingips as unknown[])).toEqual([]);
    expect((await names("compute", "/servers?all_tenants=1", "servers")).filter((n) => n.startsWith("web"))).toEqual([]);
    expect((await names("compute", "/os-server-groups?all_projects=True", "server_groups")).filter((n) => n.startsWith("web"))).toEqual([]);
    expect(((await api.get("orchestration", "/stacks")).stacks as { stack_name: string }[]).map((x) => x.stack_name)).toEqual([]);
    expect((await names("identity", "/projects", "projects")).filter((n) => ["demo", "X", "Y", "Z", "example"].includes(n))).toEqual([]);
    expect((await names("identity", "/users", "users")).filter((n) => ["demo", "ahmed", "ali"].includes(n))).toEqual([]);
    expect((await names("identity", "/domains", "domains")).filter((n) => n === "example")).toEqual([]);
    // Flavors Packstack made are looked up, never owned: still there.
    expect((await cloud.api.flavors()).map((f) => f.name)).toEqual(expect.arrayContaining(["m1.tiny", "m1.xlarge"]));
  }, 1_800_000);
});
