import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerValues, ensureCompiled, rdoctlAsync, rdoctlSync, ROOT, STACK_TRACE } from "./helpers";

/**
 * Issue 9 item 3 / issue 12 "Secrets": `rdoctl secrets show | set | rotate` keep the store 0600,
 * never print a value unless asked, and leave every answer file written from the store holding
 * exactly what the store holds.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-secrets-cli-"));
const home = path.join(tmp, "home");
const env = { RDOCTL_HOME: home };
const aio = path.join(ROOT, "inventories", "all-in-one.yaml");
const cloudDir = path.join(home, "clouds", "all-in-one");
const storeFile = path.join(cloudDir, "secrets.json");
const defaultFile = path.join(cloudDir, "answers-2025.1.txt");
const elsewhere = path.join(tmp, "aio-2024.1.txt");

const store = (): Record<string, string> => (JSON.parse(fs.readFileSync(storeFile, "utf8")) as { secrets: Record<string, string> }).secrets;
const values = (file: string): Record<string, string> => answerValues(fs.readFileSync(file, "utf8"));

/** Every secret key of every answer file equals the store's value. */
function expectConsistent(files: readonly string[]): void {
  const secrets = store();
  for (const file of files) {
    const file_values = values(file);
    for (const [key, value] of Object.entries(secrets)) {
      if (file_values[key] === undefined) continue;
      const expected = key === "CONFIG_TROVE_NOVA_PW" && file_values.CONFIG_TROVE_NOVA_USER === "trove" ? secrets.CONFIG_TROVE_KS_PW : value;
      expect(file_values[key], `${file} ${key}`).toBe(expected);
    }
  }
  expect(fs.statSync(storeFile).mode & 0o777).toBe(0o600);
}

beforeAll(() => {
  ensureCompiled();
  expect(rdoctlSync(["answers", aio], { env }).code).toBe(0);
  expect(rdoctlSync(["answers", aio, "--release", "2024.1", "--out", elsewhere], { env }).code).toBe(0);
}, 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("rdoctl secrets show", () => {
  it("lists every secret with its service, values masked; --reveal prints them", () => {
    const secrets = store();
    const shown = rdoctlSync(["secrets", "show", aio], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^CONFIG_KEYSTONE_ADMIN_PW +\*{8} +keystone$/m);
    expect(shown.stdout).toMatch(/^CONFIG_MARIADB_PW +\*{8} +MariaDB$/m);
    for (const value of Object.values(secrets)) expect(shown.stdout + shown.stderr).not.toContain(value);
    expect(shown.stderr).toContain("values masked (--reveal prints them)");
    const revealed = rdoctlSync(["secrets", "show", aio, "CONFIG_KEYSTONE_ADMIN_PW", "--reveal"], { env });
    expect(revealed.stdout).toBe(`CONFIG_KEYSTONE_ADMIN_PW  ${secrets.CONFIG_KEYSTONE_ADMIN_PW}  keystone\n`);
  });

  it("an unknown key is one line with a suggestion", () => {
    const run = rdoctlSync(["secrets", "show", aio, "CONFIG_KEYSTONE_ADMN_PW"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "rdoctl: CONFIG_KEYSTONE_ADMN_PW: not a password or key of cloud all-in-one; did you mean CONFIG_KEYSTONE_ADMIN_PW? (`rdoctl secrets show INVENTORY` lists them)\n",
    );
  });
});

describe("rdoctl secrets set", () => {
  it("stores the value from stdin and regenerates every answer file written from the store", () => {
    const run = rdoctlSync(["secrets", "set", aio, "CONFIG_KEYSTONE_ADMIN_PW"], { env, input: "Operator-Chosen-1\n" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("Operator-Chosen-1");
    expect(run.stdout).toBe(
      `set CONFIG_KEYSTONE_ADMIN_PW of cloud all-in-one in ${storeFile}; regenerated 2 answer files: ${elsewhere}, ${defaultFile}\n` +
        `run \`rdoctl install ${aio}\` so Packstack applies it (keystone)\n`,
    );
    expect(store().CONFIG_KEYSTONE_ADMIN_PW).toBe("Operator-Chosen-1");
    expect(values(defaultFile).CONFIG_KEYSTONE_ADMIN_PW).toBe("Operator-Chosen-1");
    expect(values(elsewhere).CONFIG_KEYSTONE_ADMIN_PW).toBe("Operator-Chosen-1");
    expectConsistent([defaultFile, elsewhere]);
  });

  it("at a terminal, asks twice without echo, and never shows the value", () => {
    // A real pseudo-terminal (Python's pty), so rdoctl sees a TTY on stdin as an operator's shell gives it.
    const script = [
      "import os, pty, sys, json, time",
      "pid, fd = pty.fork()",
      "if pid == 0:",
      "    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)",
      "out = b''",
      "def read_until(marker):",
      "    global out",
      "    while marker not in out:",
      "        chunk = os.read(fd, 1024)",
      "        if not chunk: return",
      "        out += chunk",
      "read_until(b'(not shown): ')",
      "os.write(fd, b'Typed-Secret-7\\r')",
      "read_until(b'again: ')",
      "os.write(fd, b'Typed-Secret-7\\r')",
      "while True:",
      "    try:",
      "        chunk = os.read(fd, 1024)",
      "    except OSError:",
      "        break",
      "    if not chunk: break",
      "    out += chunk",
      "_, status = os.waitpid(pid, 0)",
      "print(json.dumps({'output': out.decode('utf8', 'replace'), 'code': os.waitstatus_to_exitcode(status)}))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script, process.execPath, path.join(ROOT, "bin", "rdoctl.js"), "secrets", "set", aio, "CONFIG_KEYSTONE_DEMO_PW"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    const result = JSON.parse(run.stdout) as { output: string; code: number };
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("CONFIG_KEYSTONE_DEMO_PW (not shown): ");
    expect(result.output).not.toContain("Typed-Secret-7");
    expect(store().CONFIG_KEYSTONE_DEMO_PW).toBe("Typed-Secret-7");
    expectConsistent([defaultFile, elsewhere]);
  });

  it("refuses an empty value, a line break, an unknown key, a value Packstack would replace or not use; nothing changes", () => {
    const before = fs.readFileSync(storeFile, "utf8");
    const cases: [string, string, RegExp][] = [
      ["CONFIG_MARIADB_PW", "\n", /^rdoctl: CONFIG_MARIADB_PW: the value given on stdin is empty; nothing was changed$/],
      ["CONFIG_MARIADB_PW", "a\nb\n", /holds a line break or control character/],
      ["CONFIG_NOPE_PW", "x\n", /^rdoctl: CONFIG_NOPE_PW: not a password or key of cloud all-in-one/],
      ["CONFIG_HEAT_AUTH_ENC_KEY", "12345\n", /^rdoctl: CONFIG_HEAT_AUTH_ENC_KEY: Packstack would replace this value with one of its own/],
      // Trove's Nova user is trove: its password is Trove's Keystone password, whatever is stored.
      ["CONFIG_TROVE_NOVA_PW", "x-chosen-1\n", /^rdoctl: CONFIG_TROVE_NOVA_PW: the answer file would not use the stored value/],
    ];
    for (const [key, input, message] of cases) {
      const run = rdoctlSync(["secrets", "set", aio, key], { env, input });
      expect(run.code, key).toBe(1);
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(run.stderr.trimEnd()).toMatch(message);
    }
    expect(fs.readFileSync(storeFile, "utf8")).toBe(before);
  });
});

describe("rdoctl secrets rotate", () => {
  it("draws new values, regenerates the answer files and names the services to reconfigure", () => {
    const before = store();
    const run = rdoctlSync(["secrets", "rotate", aio, "CONFIG_MARIADB_PW", "CONFIG_NOVA_KS_PW"], { env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `rotated 2 secrets of cloud all-in-one in ${storeFile}; regenerated 2 answer files: ${elsewhere}, ${defaultFile}\n` +
        `run \`rdoctl install ${aio}\` so Packstack reconfigures MariaDB, nova with the new values; until then the cloud still uses the old ones\n`,
    );
    const after = store();
    expect(after.CONFIG_MARIADB_PW).not.toBe(before.CONFIG_MARIADB_PW);
    expect(after.CONFIG_MARIADB_PW).toMatch(/^[0-9a-f]{16}$/);
    expect(after.CONFIG_NOVA_KS_PW).not.toBe(before.CONFIG_NOVA_KS_PW);
    expect(after.CONFIG_KEYSTONE_ADMIN_PW).toBe(before.CONFIG_KEYSTONE_ADMIN_PW);
    expectConsistent([defaultFile, elsewhere]);
  });

  it("refuses a secret whose change loses data unless --force; --all keeps those and says so", () => {
    const refused = rdoctlSync(["secrets", "rotate", aio, "CONFIG_SWIFT_HASH"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "rdoctl: CONFIG_SWIFT_HASH: not rotated: Swift salts every object's path with it: objects already stored become unreachable; --force rotates it anyway\n",
    );
    const before = store();
    const all = rdoctlSync(["secrets", "rotate", aio, "--all"], { env });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("kept CONFIG_SWIFT_HASH: ");
    expect(all.stdout).toContain("kept CONFIG_HEAT_AUTH_ENC_KEY: ");
    const after = store();
    expect(after.CONFIG_SWIFT_HASH).toBe(before.CONFIG_SWIFT_HASH);
    expect(after.CONFIG_HEAT_AUTH_ENC_KEY).toBe(before.CONFIG_HEAT_AUTH_ENC_KEY);
    for (const key of Object.keys(before).filter((k) => k !== "CONFIG_SWIFT_HASH" && k !== "CONFIG_HEAT_AUTH_ENC_KEY")) expect(after[key], key).not.toBe(before[key]);
    expectConsistent([defaultFile, elsewhere]);
    expect(rdoctlSync(["secrets", "rotate", aio, "CONFIG_SWIFT_HASH", "--force"], { env }).code).toBe(0);
    expect(store().CONFIG_SWIFT_HASH).not.toBe(before.CONFIG_SWIFT_HASH);
    expectConsistent([defaultFile, elsewhere]);
  });

  it("rotating while answers runs: every answer file still holds the store's values", async () => {
    const outs = [0, 1, 2].map((i) => path.join(tmp, `during-${i}.txt`));
    const runs = await Promise.all([
      ...outs.map((out) => rdoctlAsync(["answers", aio, "--out", out], { env })),
      rdoctlAsync(["secrets", "rotate", aio, "CONFIG_KEYSTONE_ADMIN_PW"], { env }),
    ]);
    for (const run of runs) {
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.code, run.stderr).toBe(0);
    }
    expectConsistent([defaultFile, elsewhere, ...outs]);
  });

  it("forgets an answer file that is gone, and asks for keys or --all", () => {
    fs.rmSync(elsewhere);
    const run = rdoctlSync(["secrets", "rotate", aio, "CONFIG_GLANCE_KS_PW", "--json"], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rotated: ["CONFIG_GLANCE_KS_PW"], forgotten: [elsewhere], services: ["glance"] });
    const usage = rdoctlSync(["secrets", "rotate", aio], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr.split("\n")[0]).toBe("rdoctl: give the keys to rotate, or --all");
  });
});
