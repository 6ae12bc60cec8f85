import { spawn } from "node:child_process";
import * as path from "node:path";
import { stateBackendFromEnv } from "../cloud/backend";
import { openSecretStore } from "../packstack";
import type { Topology } from "../topology/model";
import { cloudPaths, workspaceRoot } from "../workspace";
import type { Engine } from "./engine";
import { PipelineError } from "./exit-codes";
import type { StackState } from "./checks";
import { stackDir, stackVariables } from "./terraform";

/**
 * The environment the day-1 stacks are synthesized and applied with: the installed cloud's
 * clouds.yaml (RDOCTL_CLOUD), absolute RDOCTL_HOME (terraform runs elsewhere), the selected stacks
 * (RDOCTL_STACKS), local state kept
 * in the cloud's folder unless RDOCTL_STATE says otherwise, and no OS_* variables (the
 * clouds.yaml rdoctl wrote is the one source of credentials).
 */
export function day1Env(engine: Engine, topology: Topology, inventory: string, stacks?: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  stateBackendFromEnv(env, topology.name); // bad configuration fails here, before anything runs
  const out: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(engine.env).filter(([k]) => !k.startsWith("OS_") && k !== "RDOCTL_INSTALL"));
  out.RDOCTL_INVENTORY = path.resolve(inventory);
  out.RDOCTL_CLOUD = topology.name;
  out.RDOCTL_HOME = workspaceRoot(env);
  // Only the stacks asked for are built, so a construct of another cannot fail the synth.
  if (stacks && stacks !== "none") out.RDOCTL_STACKS = stacks;
  else delete out.RDOCTL_STACKS;
  const kind = env.RDOCTL_STATE?.trim() || "local";
  if (kind === "local" && !env.RDOCTL_STATE_DIR) out.RDOCTL_STATE_DIR = path.join(cloudPaths(topology.name).dir, "state");
  return out;
}

/** The synthesized app's folder for this cloud (kept: down and reruns use it). */
export function day1OutDir(topology: Topology): string {
  return path.join(cloudPaths(topology.name).dir, "cdktf.out");
}

/**
 * Values for the stacks' variables: a sensitive `<user>_password` without default gets a password
 * drawn once per cloud into its secret store (0600), so the checks can log in as that user;
 * `TF_VAR_<name>` in the environment wins. Returned as TF_VAR_ variables, never written to a file.
 */
export function stackVariableEnv(topology: Topology, outdir: string, stacks: readonly string[], env: NodeJS.ProcessEnv): { env: Record<string, string>; userPasswords: Map<string, string> } {
  const store = openSecretStore(topology.name);
  const vars: Record<string, string> = {};
  const userPasswords = new Map<string, string>();
  const missing: string[] = [];
  for (const stack of stacks) {
    for (const v of stackVariables(outdir, stack)) {
      const given = env[`TF_VAR_${v.name}`];
      if (v.hasDefault && given === undefined) continue;
      let value = given;
      if (value === undefined && v.sensitive && v.name.endsWith("_password")) value = store.secret(`day1.${v.name}`, 20);
      if (value === undefined) {
        missing.push(`${stack}: variable ${v.name} (set TF_VAR_${v.name})`);
        continue;
      }
      vars[`TF_VAR_${v.name}`] = value;
      if (v.name.endsWith("_password")) userPasswords.set(v.name.slice(0, -"_password".length), value);
    }
  }
  store.save();
  if (missing.length) throw new PipelineError("badInput", `the stacks need values rdoctl cannot make: ${missing.join("; ")}`, "deploy");
  return { env: vars, userPasswords };
}

/** `terraform show -json` of a stack, in memory only (the state holds what the provider stores, secrets included). */
export function readStackState(engine: Engine, outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<StackState> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine.binary, ["show", "-json", "-no-color"], { cwd: stackDir(outdir, stack), env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new PipelineError("provisioning", `stack ${stack}: terraform show failed: ${err.trim().split("\n").slice(-2).join(" ")}`, "checks"));
      const state = out.trim() ? JSON.parse(out) : {};
      type Module = { resources?: Array<{ type: string; mode: string; name: string; values: Record<string, unknown> }>; child_modules?: Module[] };
      const all: NonNullable<Module["resources"]> = [];
      const walk = (m?: Module) => {
        if (!m) return;
        all.push(...(m.resources ?? []));
        for (const c of m.child_modules ?? []) walk(c);
      };
      walk(state.values?.root_module);
      resolve({ stack, resources: all });
    });
  });
}
