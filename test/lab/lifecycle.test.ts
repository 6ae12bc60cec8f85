// A lab leaves nothing behind: after stop(), after a failed start, after its owner exits or is killed.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./exec";
import { isLabSupported, reportLabSkipped, startLab } from "./lab";
import { labDir, readLabRecord, reapStaleLabs } from "./registry";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/lab/lifecycle.test.ts");

/** Every trace of a lab id on the machine: namespaces, links, mounts, processes' namespaces, state dir. */
async function tracesOf(prefix: string): Promise<string[]> {
  const traces: string[] = [];
  const netns = (await run(["ip", "netns", "list"])).stdout;
  for (const line of netns.split("\n")) if (line.startsWith(prefix)) traces.push(`netns ${line}`);
  const links = (await run(["ip", "-o", "link", "show"])).stdout;
  for (const line of links.split("\n")) {
    const name = (line.split(": ")[1] ?? "").split("@")[0] ?? "";
    if (name.startsWith(prefix)) traces.push(`link ${name}`);
  }
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    if (line.includes(`/rdoctl-lab/${prefix}`)) traces.push(`mount ${line.split(" ")[4]}`);
  }
  const routes = (await run(["ip", "route", "show", "table", "local"])).stdout;
  for (const line of routes.split("\n")) if (line.includes(` ${prefix}`)) traces.push(`route ${line}`);
  return traces;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function startChild(mode: "exit" | "wait"): Promise<{ id: string; pid: number; exited: Promise<void> }> {
  const child = spawn(join(__dirname, "..", "..", "node_modules", ".bin", "tsx"), [join(__dirname, "fixtures", "start-lab-and-wait.ts"), mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve({ id: out.trim(), pid: child.pid!, exited });
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("exit", (code) => {
      if (!out.includes("\n")) reject(new Error(`lab fixture exited ${code} before starting: ${err}`));
    });
  });
}

describe.runIf(support.ok)("lab lifecycle", () => {
  it("stop() removes namespaces, links, routes, mounts, processes and state, and can be called twice", async () => {
    const lab = await startLab({ hosts: 2, name: "lifecycle" });
    expect(await tracesOf(lab.id)).not.toEqual([]);
    const pids = (await run(["ip", "netns", "pids", lab.hosts[0]!.netns])).stdout.trim().split("\n");
    expect(pids.length).toBeGreaterThan(0);
    await lab.stop();
    await lab.stop();
    expect(await tracesOf(lab.id)).toEqual([]);
    expect(existsSync(labDir(lab.id))).toBe(false);
    for (const pid of pids) expect(running(Number(pid))).toBe(false);
  });

  it("a start that fails half-way tears down what it had built", async () => {
    const prefix = `rl${process.pid.toString(36)}`;
    await expect(
      startLab({ hosts: [{ name: "good" }, { name: "bad", extraInterfaces: ["an-interface-name-far-too-long"] }] }),
    ).rejects.toThrow(/an-interface-name-far-too-long/);
    expect(await tracesOf(prefix)).toEqual([]);
  });

  it("a lab whose process exits without stop() is torn down at exit", async () => {
    const child = await startChild("exit");
    await child.exited;
    expect(await tracesOf(child.id)).toEqual([]);
    expect(existsSync(labDir(child.id))).toBe(false);
  });

  it("a lab whose process was killed is reaped by the next lab start", async () => {
    const child = await startChild("wait");
    expect(await tracesOf(child.id)).not.toEqual([]);
    // tsx runs the script in a child node process: that one owns the lab.
    const owner = readLabRecord(child.id)?.ownerPid;
    expect(owner).toBeGreaterThan(0);
    process.kill(owner!, "SIGKILL");
    process.kill(child.pid, "SIGKILL");
    await child.exited;
    while (running(owner!)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await tracesOf(child.id)).not.toEqual([]);
    // Another test file starting a lab at this moment may reap it first; either way it must go.
    await reapStaleLabs();
    expect(await tracesOf(child.id)).toEqual([]);
  });
});
