import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { Journal, hashInputs } from "../../src/install/journal";
import { cloudPaths, workspaceRoot } from "../../src/workspace";

const ENTRY = path.join(__dirname, "rdoctl-entry.ts");
// By path: `--import tsx` would be resolved from the test's working directory.
const TSX = pathToFileURL(path.resolve(__dirname, "../../node_modules/tsx/dist/loader.mjs")).href;

/** A loopback port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe("rdoctl install status", () => {
  let dir: string;
  let inventory: string;
  let home: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-status-"));
    home = path.join(dir, "home");
    fs.mkdirSync(path.join(home, ".ssh"), { recursive: true });
    inventory = path.join(dir, "inventories", "st.yaml");
    fs.mkdirSync(path.dirname(inventory));
    fs.writeFileSync(
      inventory,
      YAML.stringify({ name: "st", hosts: [{ name: "aio", address: "127.0.0.1", roles: ["controller", "network", "compute"], ssh: { port: await closedPort() } }] }),
    );
    for (const d of ["a", "b"]) fs.mkdirSync(path.join(dir, d));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const status = (cwd: string, ...extra: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SSH_AUTH_SOCK: "" };
    delete env.RDOCTL_HOME;
    delete env.XDG_STATE_HOME;
    return spawnSync(process.execPath, ["--import", TSX, ENTRY, "install", "status", inventory, ...extra], { cwd, env, encoding: "utf8" });
  };

  it("keeps state in one per-user place, whatever the current directory", () => {
    const env = { HOME: home };
    expect(workspaceRoot({ ...env, RDOCTL_HOME: "/srv/x" })).toBe("/srv/x");
    expect(workspaceRoot({ ...env, XDG_STATE_HOME: "/var/state" })).toBe("/var/state/rdoctl");
    const cwd = process.cwd();
    try {
      process.chdir(path.join(dir, "a"));
      const fromA = workspaceRoot({});
      process.chdir(path.join(dir, "b"));
      expect(workspaceRoot({})).toBe(fromA);
      expect(fromA).toBe(path.join(os.homedir(), ".local", "state", "rdoctl"));
    } finally {
      process.chdir(cwd);
    }
  });

  it("finds the journal from any directory, and exits 1 when the deployer cannot be asked", () => {
    // what an install run from directory a would have left
    const root = path.join(home, ".local", "state", "rdoctl");
    Journal.load(cloudPaths("st", root).journal, "st").finish("prepare", "aio", hashInputs(1));
    const r = status(path.join(dir, "b"));
    expect(r.stdout).toContain(`cloud st: journal ${path.join(root, "clouds", "st", "journal.json")}`);
    expect(r.stdout).toMatch(/prepare\s+aio\s+done/);
    expect(r.stdout).toMatch(/packstack: cannot ask the deployer aio .*ECONNREFUSED/);
    expect(r.status, r.stderr).toBe(1);
    const json = status(path.join(dir, "a"), "--json");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout.split("\n").find((l) => l.startsWith("{"))!)).toMatchObject({ cloud: "st", error: expect.stringContaining("ECONNREFUSED") });
  });

  it("refuses state left in ./.rdoctl by older versions instead of starting over", () => {
    fs.mkdirSync(path.join(dir, "a", ".rdoctl", "clouds", "old"), { recursive: true });
    const cwd = process.cwd();
    const saved = process.env.RDOCTL_HOME;
    delete process.env.RDOCTL_HOME;
    try {
      process.chdir(path.join(dir, "a"));
      expect(() => cloudPaths("old")).toThrow(/cloud old's state is in .*\/a\/\.rdoctl\/clouds\/old \(the old default place\); move it/);
    } finally {
      process.chdir(cwd);
      if (saved !== undefined) process.env.RDOCTL_HOME = saved;
    }
  });
});
