import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RdoctlError } from "../../src/errors";
import { InventoryError, loadInventory, loadTopology } from "../../src/topology";

const ROOT = join(__dirname, "..", "..");
const TS_TOPOLOGY = join(ROOT, "stacks", "topologies", "three-node.ts");
const YAML_INVENTORY = join(ROOT, "inventories", "three-node.yaml");
// Modules written by the tests import the builder by absolute path: they live outside the checkout.
const TOPOLOGY_MODULE = JSON.stringify(join(ROOT, "src", "topology"));

const tmp = mkdtempSync(join(tmpdir(), "rdoctl-load-topology-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(load: () => unknown): RdoctlError {
  try {
    load();
  } catch (err) {
    if (err instanceof RdoctlError) return err;
    throw err;
  }
  throw new Error("expected an RdoctlError");
}

const BAD_PORT_BUILDER = `new CloudBuilder("bad")
  .host({ name: "aio", address: "192.168.122.10", roles: ["controller", "network", "compute"], ssh: { port: 70000 } })`;

describe("loadTopology", () => {
  it("stacks/topologies/three-node.ts is the cloud of inventories/three-node.yaml", () => {
    expect(loadTopology(TS_TOPOLOGY)).toStrictEqual(loadInventory(YAML_INVENTORY));
  });

  it("--release applies to a module as to an inventory", () => {
    const topology = loadTopology(TS_TOPOLOGY, { release: "2024.1" });
    expect(topology.release).toBe("2024.1");
    expect(topology).toStrictEqual(loadInventory(YAML_INVENTORY, { release: "2024.1" }));
  });

  it("reads .yaml and .yml through loadInventory, positions included", () => {
    expect(loadTopology(YAML_INVENTORY)).toStrictEqual(loadInventory(YAML_INVENTORY));
    const yml = write("broken.yml", "name: lab\nhosts: 3\n");
    const error = errorOf(() => loadTopology(yml));
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as InventoryError).issues[0]).toMatchObject({ file: yml, line: 2, path: "hosts" });
  });

  it("a builder with a bad field: the builder's issue, with its field path, naming the file", () => {
    const file = write("bad-port.ts", `import { CloudBuilder } from ${TOPOLOGY_MODULE};\nexport default ${BAD_PORT_BUILDER};\n`);
    const error = errorOf(() => loadTopology(file));
    expect(error).toBeInstanceOf(InventoryError);
    const issues = (error as InventoryError).issues;
    expect(issues.map((issue) => [issue.file, issue.path])).toEqual([[file, "hosts[0].ssh.port"]]);
    expect(error.message).toMatch(new RegExp(`^${escape(file)}: hosts\\[0\\]\\.ssh\\.port: `));
  });

  it("a module that calls build() itself: the issue names the file, not <builder>", () => {
    const file = write("bad-port-built.ts", `import { CloudBuilder } from ${TOPOLOGY_MODULE};\nexport const topology = ${BAD_PORT_BUILDER}.build();\n`);
    const error = errorOf(() => loadTopology(file));
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as InventoryError).issues.map((issue) => [issue.file, issue.path])).toEqual([[file, "hosts[0].ssh.port"]]);
  });

  it("accepts a resolved Topology (checked again) and a plain TopologySpec from JavaScript", () => {
    const resolved = write("resolved.ts", `import { loadInventory } from ${TOPOLOGY_MODULE};\nexport const topology = loadInventory(${JSON.stringify(YAML_INVENTORY)});\n`);
    expect(loadTopology(resolved)).toStrictEqual(loadInventory(YAML_INVENTORY));
    const spec = { name: "lab", hosts: [{ name: "aio", address: "192.168.122.10", roles: ["controller", "network", "compute"] }] };
    const js = write("spec.cjs", `module.exports = { topology: ${JSON.stringify(spec)} };\n`);
    const topology = loadTopology(js);
    expect(topology.name).toBe("lab");
    expect(topology.hosts[0]!.fqdn).toBe("aio.localdomain");
    // Node's interop: a CommonJS module.exports is the default export.
    expect(loadTopology(write("spec-exports.cjs", `module.exports = ${JSON.stringify(spec)};\n`))).toStrictEqual(topology);
    const edited = write("edited.ts", `import { loadInventory } from ${TOPOLOGY_MODULE};\nconst t = loadInventory(${JSON.stringify(YAML_INVENTORY)});\nexport default { ...t, deployer: "nowhere" };\n`);
    expect((errorOf(() => loadTopology(edited)) as InventoryError).issues).toEqual([expect.objectContaining({ file: edited, path: "deployer", rule: "deployer-host" })]);
  });

  it("a module without a topology export says what it found", () => {
    const none = write("none.ts", `export const other = 1;\nexport function helper(): void {}\n`);
    expect(errorOf(() => loadTopology(none)).message).toBe(
      `${none}: no topology in this module: exports helper (a function helper), other (a number) ` +
        "(expected a default export or `export const topology` holding a Topology, a TopologySpec or a CloudBuilder)",
    );
    const text = write("text.ts", `export default "three-node";\n`);
    expect(errorOf(() => loadTopology(text)).message).toMatch(new RegExp(`^${escape(text)}: no topology in this module: its default export is a string \\(`));
  });

  it("refuses other extensions, listing the accepted ones; names a missing file", () => {
    const json = write("cloud.json", "{}");
    expect(errorOf(() => loadTopology(json)).message).toBe(`${json}: not an inventory or topology module (expected one of .yaml, .yml, .ts, .mts, .cts, .js, .cjs)`);
    const missing = join(tmp, "missing.ts");
    expect(errorOf(() => loadTopology(missing)).message).toBe(`${missing}: topology module not found`);
  });

  it("a module that throws while loading: the file and the first line of the error", () => {
    const file = write("throws.ts", `throw new Error("no cloud today");\n`);
    expect(errorOf(() => loadTopology(file)).message).toBe(`${file}: cannot load the topology module: no cloud today`);
    const rdoctlError = write("throws-rdoctl.ts", `import { RdoctlError } from ${JSON.stringify(join(ROOT, "src", "errors"))};\nthrow new RdoctlError("no hosts reachable");\n`);
    expect(errorOf(() => loadTopology(rdoctlError)).message).toBe(`${rdoctlError}: cannot load the topology module: no hosts reachable`);
  });
});

describe("stacks: RDOCTL_INVENTORY", () => {
  it("may name a TypeScript topology", async () => {
    const { optionalTopology } = await import("../../stacks/common");
    expect(optionalTopology({ RDOCTL_INVENTORY: TS_TOPOLOGY })).toStrictEqual(loadInventory(YAML_INVENTORY));
  });

  it("set to a missing file is an error naming the variable, not the default inventory", async () => {
    const { optionalTopology } = await import("../../stacks/common");
    const missing = join(tmp, "no-such-inventory.yaml");
    expect(errorOf(() => optionalTopology({ RDOCTL_INVENTORY: missing })).message).toBe(
      `RDOCTL_INVENTORY=${missing}: no such file; set it to an inventory or topology module, or unset it to use inventories/all-in-one.yaml`,
    );
    expect(optionalTopology({})?.name).toBe("all-in-one");
  });
});

describe("compiled CLI with a TypeScript topology", () => {
  beforeAll(() => {
    // tsc emits even when files of other areas do not typecheck; build only when stale.
    if (compiledIsStale()) spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
    expect(compiledIsStale()).toBe(false);
  });

  it("answers stacks/topologies/three-node.ts writes answer-files/three-node-2025.1.txt byte for byte", () => {
    const out = join(tmp, "three-node.txt");
    const run = spawnSync(process.execPath, ["bin/rdoctl.js", "answers", "stacks/topologies/three-node.ts", "--secrets-test", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, RDOCTL_HOME: join(tmp, "home") },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // The header names the cloud and release, not the source file: the whole file compares.
    expect(readFileSync(out, "utf8")).toBe(readFileSync(join(ROOT, "answer-files", "three-node-2025.1.txt"), "utf8"));
  });

  it("validate reports a bad module's issue with the file and exits 1, no stack trace", () => {
    const file = write("cli-bad.ts", `import { CloudBuilder } from ${TOPOLOGY_MODULE};\nexport default ${BAD_PORT_BUILDER};\n`);
    const run = spawnSync(process.execPath, ["bin/rdoctl.js", "validate", file], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n")[0]).toMatch(new RegExp(`^${escape(file)}: hosts\\[0\\]\\.ssh\\.port: `));
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compiledIsStale(): boolean {
  const sources = ["src/errors.ts", "stacks/topologies/three-node.ts"];
  for (const dir of ["src/topology", "src/cli", "src/cli/commands", "src/packstack"]) {
    for (const name of readdirSync(join(ROOT, dir))) if (name.endsWith(".ts")) sources.push(`${dir}/${name}`);
  }
  return sources.some((source) => {
    const built = join(ROOT, "dist", source.replace(/\.ts$/, ".js"));
    return !existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, source)).mtimeMs;
  });
}
