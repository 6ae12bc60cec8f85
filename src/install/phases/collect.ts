import * as fs from "node:fs";
import YAML from "yaml";
import { RdoctlError } from "../../errors";
import { hostForRole } from "../../topology/model";
import { fetchLogDir } from "../artifacts";
import type { InstallContext } from "../context";
import { HostShell } from "../context";
import { writeFileAtomic } from "../journal";
import type { Step } from "../steps";

/** Packstack writes the admin credentials here on the controller. */
export const REMOTE_KEYSTONERC = "/root/keystonerc_admin";

/** `export OS_X=value` lines of a keystonerc, unquoted. */
export function parseKeystonerc(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const m = /^\s*(?:export\s+)?(OS_[A-Z_]+)=(.*)$/.exec(raw);
    if (!m || !m[1]) continue;
    let v = (m[2] ?? "").trim();
    if ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"'))) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

/** A clouds.yaml `clouds.<name>` entry from keystonerc variables. */
export function cloudsYamlEntry(vars: Record<string, string>): Record<string, unknown> {
  const need = ["OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"];
  const missing = need.filter((k) => !vars[k]);
  if (missing.length) throw new RdoctlError(`keystonerc_admin lacks ${missing.join(", ")}`);
  return {
    auth: {
      auth_url: vars.OS_AUTH_URL,
      username: vars.OS_USERNAME,
      password: vars.OS_PASSWORD,
      project_name: vars.OS_PROJECT_NAME,
      user_domain_name: vars.OS_USER_DOMAIN_NAME ?? "Default",
      project_domain_name: vars.OS_PROJECT_DOMAIN_NAME ?? "Default",
    },
    region_name: vars.OS_REGION_NAME ?? "RegionOne",
    identity_api_version: Number(vars.OS_IDENTITY_API_VERSION ?? 3),
    interface: "public",
  };
}

/** clouds.yaml text with `name` set to `entry`, other clouds kept. */
export function mergeCloudsYaml(current: string | undefined, name: string, entry: Record<string, unknown>): string {
  const doc = (current ? (YAML.parse(current) as { clouds?: Record<string, unknown> } | null) : null) ?? {};
  const clouds = { ...(doc.clouds ?? {}), [name]: entry };
  return YAML.stringify({ ...doc, clouds });
}

export function openrcText(vars: Record<string, string>): string {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return (
    "# Admin credentials written by rdoctl from Packstack's keystonerc_admin. Keep private.\n" +
    Object.entries(vars)
      .map(([k, v]) => `export ${k}=${q(v)}`)
      .join("\n") +
    "\n"
  );
}

/**
 * keystonerc_admin fetched from the controller (0600) and turned into a clouds.yaml entry and
 * an openrc; Packstack's log directory copied into the artifacts folder.
 */
export function collectSteps(ctx: InstallContext): Step[] {
  const controller = hostForRole(ctx.topology, "controller");
  const runId = ctx.journal.get("run", ctx.topology.deployer)?.facts?.runId ?? "unknown";
  return [
    {
      phase: "collect",
      host: controller.name,
      inputs: { runId },
      run: async () => {
        const sh = new HostShell(ctx, controller.name, "collect");
        const rc = (await sh.download(REMOTE_KEYSTONERC)).toString("utf8");
        const vars = parseKeystonerc(rc);
        if (vars.OS_PASSWORD) ctx.redactor.add([vars.OS_PASSWORD]);
        writeFileAtomic(ctx.paths.keystonerc, rc, 0o600);
        writeFileAtomic(ctx.paths.openrc, openrcText(vars), 0o600);
        let current: string | undefined;
        try {
          current = fs.readFileSync(ctx.paths.cloudsYaml, "utf8");
        } catch {
          current = undefined;
        }
        writeFileAtomic(ctx.paths.cloudsYaml, mergeCloudsYaml(current, ctx.topology.name, cloudsYamlEntry(vars)), 0o600);
        const logs = await fetchLogDir(ctx, ctx.topology.deployer);
        ctx.emit({ type: "info", message: `credentials: ${ctx.paths.cloudsYaml} (cloud ${ctx.topology.name}), ${ctx.paths.openrc}; Packstack logs: ${logs}` });
        return { logs };
      },
    },
  ];
}
