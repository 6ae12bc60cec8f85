import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { resolveTopology } from "../../src/topology";
import { createDisplay, displayMode, formatEvent } from "../../src/install/display";
import { Redactor, type InstallEvent } from "../../src/install/events";
import { PackstackProgress } from "../../src/install/packstack-progress";
import { cloudsYamlEntry, mergeCloudsYaml, openrcText, parseKeystonerc } from "../../src/install/phases/collect";
import { withKnownHostsBlock } from "../../src/install/phases/deployer";
import { hostsEntries, withHostsBlock } from "../../src/install/phases/hosts-file";
import { judgeSmokeCheck } from "../../src/install/phases/verify";

const G = (s: string) => `\x1b[0;32m${s}\x1b[0m`;

describe("Packstack progress", () => {
  it("turns output into a step list, with the unfinished line as the running step, across chunk borders", () => {
    const p = new PackstackProgress();
    const events = [
      ...p.push("Welcome to the Packstack setup utility\n\nThe installation log file is available at: /var/tmp/packstack/20250101-000000-abc/openstack-setup.log\n"),
      ...p.push("Clean Up" + " ".repeat(56) + "[ " + G("DONE") + " ]\nPreparing ser"),
      ...p.push("vers"),
      ...p.push(" ".repeat(40) + "[ " + G("DONE") + " ]\nApplying 10.0.0.1_controller.pp\n10.0.0.1_controller.pp:" + " ".repeat(30) + "[ DONE ]\n"),
      ...p.push("\n **** Installation completed successfully ******\n"),
    ];
    expect(events).toEqual([
      { kind: "log-dir", path: "/var/tmp/packstack/20250101-000000-abc" },
      { kind: "step", title: "Clean Up", status: "done" },
      { kind: "step", title: "Preparing ser", status: "running" },
      { kind: "step", title: "Preparing servers", status: "running" },
      { kind: "step", title: "Preparing servers", status: "done" },
      { kind: "apply", manifest: "10.0.0.1_controller.pp", status: "running" },
      { kind: "apply", manifest: "10.0.0.1_controller.pp", status: "done" },
      { kind: "success" },
    ]);
    expect(p.succeeded).toBe(true);
  });

  it("records Packstack's ERROR message", () => {
    const p = new PackstackProgress();
    expect(p.push("\x1b[0;31mERROR : Failed handling answer file: boom\x1b[0m\n")).toEqual([{ kind: "error", message: "Failed handling answer file: boom" }]);
  });
});

describe("managed blocks in /etc/hosts and known_hosts", () => {
  const topology = resolveTopology({
    name: "lab",
    domain: "example.test",
    hosts: [
      { name: "ctl", address: "10.0.0.11", roles: ["controller"] },
      { name: "cmp", address: "10.0.0.12", fqdn: "compute-a.example.test", roles: ["compute"] },
    ],
  });

  it("appends once, then replaces in place, keeping everything else byte for byte", () => {
    const original = "127.0.0.1 localhost\n::1 localhost\n";
    const entries = hostsEntries(topology);
    expect(entries).toEqual(["10.0.0.11 ctl.example.test ctl", "10.0.0.12 compute-a.example.test compute-a cmp"]);
    const once = withHostsBlock(original, "lab", entries);
    expect(once.startsWith(original)).toBe(true);
    expect(withHostsBlock(once, "lab", entries)).toBe(once);
    const changed = withHostsBlock(once + "192.0.2.1 other\n", "lab", ["10.0.0.11 ctl.example.test ctl"]);
    expect(changed).toBe(original + "# BEGIN rdoctl lab (managed: edits inside this block are replaced)\n10.0.0.11 ctl.example.test ctl\n# END rdoctl lab\n192.0.2.1 other\n");
    expect(withHostsBlock("no newline", "lab", [])).toMatch(/^no newline\n# BEGIN rdoctl lab/);
    const byName = resolveTopology({ name: "n", hosts: [{ name: "a", address: "a.example.test", roles: ["controller"] }] });
    expect(hostsEntries(byName)).toEqual([]);
  });

  it("keeps other clouds' blocks apart", () => {
    const a = withHostsBlock("", "a", ["10.0.0.1 a1"]);
    const ab = withHostsBlock(a, "b", ["10.0.0.2 b1"]);
    expect(withHostsBlock(ab, "a", ["10.0.0.9 a9"])).toContain("10.0.0.2 b1");
    expect(withKnownHostsBlock(withKnownHostsBlock("x ssh-ed25519 AAA\n", "lab", ["h1 k1"]), "lab", ["h2 k2"])).toBe(
      "x ssh-ed25519 AAA\n# BEGIN rdoctl lab\nh2 k2\n# END rdoctl lab\n",
    );
  });
});

describe("credentials", () => {
  const RC = [
    "unset OS_SERVICE_TOKEN",
    "    export OS_USERNAME=admin",
    "    export OS_PASSWORD='s3cr3t-Pass'",
    "    export OS_REGION_NAME=RegionOne",
    "    export OS_AUTH_URL=http://10.0.0.11:5000/v3",
    "    export PS1='[\\u@\\h \\W(keystone_admin)]\\$ '",
    "",
    "export OS_PROJECT_NAME=admin",
    "export OS_USER_DOMAIN_NAME=Default",
    "export OS_PROJECT_DOMAIN_NAME=Default",
    "export OS_IDENTITY_API_VERSION=3",
  ].join("\n");

  it("turns keystonerc_admin into a clouds.yaml entry, keeping other clouds", () => {
    const vars = parseKeystonerc(RC);
    expect(vars.OS_PASSWORD).toBe("s3cr3t-Pass");
    const yaml = YAML.parse(mergeCloudsYaml("clouds:\n  other:\n    auth: {}\n", "lab", cloudsYamlEntry(vars)));
    expect(Object.keys(yaml.clouds)).toEqual(["other", "lab"]);
    expect(yaml.clouds.lab).toEqual({
      auth: {
        auth_url: "http://10.0.0.11:5000/v3",
        username: "admin",
        password: "s3cr3t-Pass",
        project_name: "admin",
        user_domain_name: "Default",
        project_domain_name: "Default",
      },
      region_name: "RegionOne",
      identity_api_version: 3,
      interface: "public",
    });
    expect(openrcText(vars)).toContain("export OS_AUTH_URL='http://10.0.0.11:5000/v3'\n");
    expect(() => cloudsYamlEntry({ OS_USERNAME: "admin" })).toThrow(/lacks OS_AUTH_URL, OS_PASSWORD, OS_PROJECT_NAME/);
  });
});

describe("smoke check judgement", () => {
  it("accepts up/enabled services and alive agents; names what is down", () => {
    const services = [{ Name: "keystone", Type: "identity" }];
    const compute = [{ Binary: "nova-compute", Host: "cmp", State: "up", Status: "enabled" }];
    const agents = [{ "Agent Type": "OVN Controller agent", Host: "cmp", Alive: true, State: true }];
    expect(judgeSmokeCheck(services, compute, agents)).toEqual([]);
    expect(
      judgeSmokeCheck(services, [{ ...compute[0], State: "down" }], [{ ...agents[0], Alive: false }]),
    ).toEqual([
      "compute service nova-compute on cmp is down/enabled",
      "network agent OVN Controller agent on cmp is alive=false state=true",
    ]);
    expect(judgeSmokeCheck([], [], [])).toHaveLength(4);
  });
});

describe("output", () => {
  it("redacts secrets in every event field", () => {
    const r = new Redactor();
    r.add(["hunter2-long", "n"]);
    const seen: InstallEvent[] = [];
    r.wrap((e) => seen.push(e))({ type: "output", host: "c", stream: "stdout", line: "pw=hunter2-long n" });
    expect(seen).toEqual([{ type: "output", host: "c", stream: "stdout", line: "pw=******** n" }]);
  });

  it("redacts secrets holding characters that JSON escapes", () => {
    const r = new Redactor();
    r.add(['say"cheese\\now']);
    const seen: InstallEvent[] = [];
    r.wrap((e) => seen.push(e))({ type: "output", host: "c", stream: "stderr", line: 'pw=say"cheese\\now' });
    expect(seen).toEqual([{ type: "output", host: "c", stream: "stderr", line: "pw=********" }]);
  });

  it("prints one line per event when not on a terminal, NDJSON with --json", () => {
    expect(formatEvent({ type: "step", phase: "prepare", host: "c1", status: "failed", message: "boom" })).toBe("[c1] prepare: failed (boom)");
    expect(formatEvent({ type: "check", host: "c1", check: "os", level: "error", message: "bad", hint: "fix" })).toBe("[c1] FAIL os: bad — fix");
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const json = createDisplay("json", out);
    json.sink({ type: "info", message: "hello" });
    expect(JSON.parse(text.trim())).toEqual({ type: "info", message: "hello" });
  });

  it("draws the live area only on an interactive terminal: never under CI=true, TERM=dumb or --json", () => {
    expect(displayMode({ json: false, isTTY: true, env: {} })).toBe("tty");
    expect(displayMode({ json: false, isTTY: false, env: {} })).toBe("plain");
    expect(displayMode({ json: false, isTTY: true, env: { CI: "true" } })).toBe("plain");
    expect(displayMode({ json: false, isTTY: true, env: { CI: "1" } })).toBe("plain");
    expect(displayMode({ json: false, isTTY: true, env: { CI: "false" } })).toBe("tty");
    expect(displayMode({ json: false, isTTY: true, env: { TERM: "dumb" } })).toBe("plain");
    expect(displayMode({ json: true, isTTY: true, env: {} })).toBe("json");
  });

  it("redraws a live area on a terminal: running steps below, finished ones scrolled above", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const tty = createDisplay("tty", out);
    tty.sink({ type: "step", phase: "prepare", host: "c1", status: "running" });
    tty.sink({ type: "output", host: "c1", stream: "stdout", line: "Installing: kernel" });
    tty.sink({ type: "step", phase: "prepare", host: "c1", status: "done" });
    tty.end();
    expect(text).toBe(
      "… prepare c1\n" + "\x1b[1A\x1b[0J… prepare c1 │ Installing: kernel\n" + "\x1b[1A\x1b[0J✔ prepare c1\n",
    );
  });
});
