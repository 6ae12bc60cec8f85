import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchLogDir } from "../../src/install/artifacts";
import type { InstallContext } from "../../src/install/context";
import { RemoteCommandError } from "../../src/install/ssh";

/** A context whose deployer connection streams `tarBytes` and then ends as `outcome` says. */
function contextWith(artifacts: string, tarBytes: Buffer, outcome: "ok" | Error): InstallContext {
  const conn = {
    execRaw: async (_command: string, onData: (chunk: Buffer) => void) => {
      if (tarBytes.length) onData(tarBytes);
      // let the local tar see its input (or the end of it) first
      await new Promise((r) => setTimeout(r, 50));
      if (outcome !== "ok") throw outcome;
    },
  };
  return { paths: { artifacts }, pool: { get: async () => conn } } as unknown as InstallContext;
}

describe("fetching Packstack's log directory", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-artifacts-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("unpacks the remote tar stream into a 0700 timestamped folder", async () => {
    const src = path.join(dir, "src");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "openstack-setup.log"), "log\n");
    const tarBytes = execFileSync("tar", ["-C", src, "-cf", "-", "."]);
    const local = await fetchLogDir(contextWith(path.join(dir, "artifacts"), tarBytes, "ok"), "ctl");
    expect(fs.readFileSync(path.join(local, "openstack-setup.log"), "utf8")).toBe("log\n");
    expect(fs.statSync(path.join(dir, "artifacts")).mode & 0o777).toBe(0o700);
  });

  it("fails with the remote tar's error alone when it fails (the local tar's failure is awaited, not left unhandled)", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const remote = new RemoteCommandError({ host: "ctl", phase: "collect", command: "tar" }, 2, null, "tar: /var/tmp/packstack/latest/: Cannot open: No such file or directory");
      const err = await fetchLogDir(contextWith(path.join(dir, "artifacts"), Buffer.alloc(0), remote), "ctl").catch((e: unknown) => e);
      expect(err).toBe(remote);
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
      // no empty timestamped folder left behind
      expect(fs.readdirSync(path.join(dir, "artifacts"))).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("says so when the stream is not a tar archive", async () => {
    const err = await fetchLogDir(contextWith(path.join(dir, "artifacts"), Buffer.from("not a tar archive\n".repeat(100)), "ok"), "ctl").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/local tar exited 2/);
  });
});
