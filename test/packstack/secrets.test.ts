import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateAnswers } from "../../src/packstack/answers";
import { writeAnswerFile } from "../../src/packstack/files";
import { DeterministicSecretSource, FileSecretStore, openSecretStore, withFileLock, withSecretStore } from "../../src/packstack/secrets";
import { cloudPaths } from "../../src/workspace";
import { inventory } from "./helpers";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-secrets-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

describe("file secret store", () => {
  it("draws once per cloud, stores 0600 in a 0700 directory, and regenerating gives the identical file", () => {
    const topology = inventory("three-node");
    const first = generateAnswers(topology, { secrets: openSecretStore(topology.name, root) });
    const file = cloudPaths(topology.name, root).secrets;
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { cloud: string; secrets: Record<string, string> };
    expect(stored.cloud).toBe("three-node");
    for (const key of ["CONFIG_HORIZON_SECRET_KEY", "CONFIG_SWIFT_HASH", "CONFIG_HEAT_AUTH_ENC_KEY", "CONFIG_CEILOMETER_SECRET", "CONFIG_KEYSTONE_ADMIN_PW"]) {
      expect(stored.secrets[key], key).toBe(first.values[key]);
    }
    expect(first.text).toContain("# Secrets: per-cloud secrets file (mode 0600, outside git)");
    const again = generateAnswers(topology, { secrets: openSecretStore(topology.name, root) });
    expect(again.text).toBe(first.text);
    // Another release reuses the same secrets for the keys it shares.
    const older = generateAnswers(topology, { release: "2023.1", secrets: openSecretStore(topology.name, root) });
    expect(older.values.CONFIG_KEYSTONE_ADMIN_PW).toBe(first.values.CONFIG_KEYSTONE_ADMIN_PW);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("merges what a concurrent run saved, and refuses to replace a secret it drew differently", () => {
    const first = openSecretStore("f", root);
    const second = openSecretStore("f", root);
    first.secret("CONFIG_A_PW", 16);
    first.save();
    second.secret("CONFIG_B_PW", 16);
    second.save();
    expect(openSecretStore("f", root).keys()).toEqual(["CONFIG_A_PW", "CONFIG_B_PW"]);
    const third = openSecretStore("f", root);
    const fourth = openSecretStore("f", root);
    third.secret("CONFIG_C_PW", 16);
    fourth.secret("CONFIG_C_PW", 16);
    third.save();
    expect(() => fourth.save()).toThrow(/CONFIG_C_PW were drawn by another rdoctl run at the same time; run the command again/);
  });

  it("gives different clouds different secrets, drawn from a CSPRNG", () => {
    const a = openSecretStore("a", root).secret("CONFIG_X_PW", 16);
    const b = openSecretStore("b", root).secret("CONFIG_X_PW", 16);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });

  it("repairs a secrets file readable by others, and refuses one of another cloud or not JSON", () => {
    const store = openSecretStore("c", root);
    store.secret("CONFIG_X_PW", 16);
    store.save();
    fs.chmodSync(store.file, 0o644);
    const reopened = openSecretStore("c", root);
    expect(mode(store.file)).toBe(0o600);
    expect(reopened.keys()).toEqual(["CONFIG_X_PW"]);
    expect(() => new FileSecretStore(store.file, "d")).toThrow(`${store.file}: secrets file belongs to cloud "c", not "d"`);
    fs.writeFileSync(store.file, "{", { mode: 0o600 });
    expect(() => openSecretStore("c", root)).toThrow(/secrets file is not JSON/);
  });

  it("redraws a value Packstack would replace (a CONFIG_HEAT_AUTH_ENC_KEY that parses as a float)", () => {
    const store = openSecretStore("e", root);
    let calls = 0;
    const value = store.secret("CONFIG_HEAT_AUTH_ENC_KEY", 16, (v) => ++calls > 3 && /[a-f]/.test(v));
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(value).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("deterministic test source", () => {
  it("derives the same secret for the same label and key, different ones otherwise", () => {
    const one = new DeterministicSecretSource("lab");
    expect(one.secret("CONFIG_MARIADB_PW", 16)).toBe(new DeterministicSecretSource("lab").secret("CONFIG_MARIADB_PW", 16));
    expect(one.secret("CONFIG_MARIADB_PW", 16)).not.toBe(new DeterministicSecretSource("other").secret("CONFIG_MARIADB_PW", 16));
    expect(one.secret("CONFIG_HORIZON_SECRET_KEY", 96)).toMatch(/^[0-9a-f]{96}$/);
    expect(one.description).toBe("deterministic test source (NOT for real clouds)");
  });
});

describe("writeAnswerFile", () => {
  it("writes mode 0600, replacing an existing file atomically", () => {
    const file = path.join(root, "sub", "answers.txt");
    writeAnswerFile(file, "[general]\n");
    fs.chmodSync(file, 0o644);
    writeAnswerFile(file, "[general]\nCONFIG_X=y\n");
    expect(mode(file)).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe("[general]\nCONFIG_X=y\n");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["answers.txt"]);
  });
});

describe("secrets store lock", () => {
  const deadPid = (): number => {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
  };

  it("a live holder makes a run wait, then fail with one line naming the holder; nothing is saved", () => {
    const store = openSecretStore("g", root);
    store.secret("CONFIG_A_PW", 16);
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    const lock = `${store.file}.lock`;
    // The parent process (vitest) is alive and is not this process: a live holder.
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
    expect(() => withFileLock(lock, () => store.save(), { waitMs: 200 })).toThrow(
      `${lock}: the cloud's secrets are locked by rdoctl pid ${process.ppid} on ${os.hostname()} since 2026-01-01T00:00:00.000Z; wait for it to finish, or remove the lock file if that process is gone`,
    );
    expect(fs.existsSync(store.file)).toBe(false);
  });

  it("takes over a lock whose holder died, and leaves no lock behind", () => {
    const lock = path.join(root, "x.lock");
    fs.writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
    expect(withFileLock(lock, () => JSON.parse(fs.readFileSync(lock, "utf8")).pid, { waitMs: 200 })).toBe(process.pid);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it("is re-entrant: withSecretStore's run saves (and draws) under the lock it already holds", () => {
    const drawn = withSecretStore("h", (store) => {
      const value = store.secret("CONFIG_B_PW", 16);
      store.save();
      expect(fs.existsSync(`${store.file}.lock`)).toBe(true);
      return value;
    }, root);
    expect(openSecretStore("h", root).get("CONFIG_B_PW")).toBe(drawn);
    expect(fs.readdirSync(path.join(root, "clouds", "h")).sort()).toEqual(["secrets.json"]);
    expect(mode(path.join(root, "clouds", "h"))).toBe(0o700);
  });

  it("set with replace overwrites a value saved meanwhile; delete and redraw change what is stored", () => {
    const a = openSecretStore("i", root);
    a.secret("CONFIG_C_PW", 16);
    a.secret("CONFIG_D_PW", 16);
    a.save();
    const b = openSecretStore("i", root);
    const old = b.get("CONFIG_C_PW")!;
    expect(b.redraw("CONFIG_C_PW")).toBe(true);
    expect(b.get("CONFIG_C_PW")).not.toBe(old);
    expect(b.get("CONFIG_C_PW")).toMatch(/^[0-9a-f]{16}$/);
    b.delete("CONFIG_D_PW");
    b.save();
    expect(openSecretStore("i", root).keys()).toEqual(["CONFIG_C_PW"]);
    expect(openSecretStore("i", root).redraw("CONFIG_NOT_THERE")).toBe(false);
  });
});
