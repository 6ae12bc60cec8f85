import * as fs from "node:fs";
import { RELEASE_CODENAMES } from "../topology/model";
import { PACKSTACK_LATEST_LOGS } from "./artifacts";
import type { InstallContext } from "./context";
import guidance from "./data/host-guidance.json";
import phaseActions from "./data/phase-actions.json";
import requirements from "./data/requirements.json";
import type { PlannedStep } from "./installer";
import type { PhaseName } from "./phase-names";
import { REMOTE_ANSWER_FILE } from "./phases/answers";
import { REMOTE_KEYSTONERC } from "./phases/collect";
import { DEPLOYER_KEY } from "./phases/deployer";
import { REMOTE_RUNS } from "./phases/run";
import type { Endpoint } from "./ssh";
import { describeEndpoint } from "./ssh";

/** How rdoctl would reach one host. */
export interface HostAccess {
  readonly host: string;
  readonly roles: readonly string[];
  /** `user@address:port`, then `via …` for a jump host or ProxyCommand. */
  readonly route: string;
  /** What authentication would be offered, in order. */
  readonly auth: readonly string[];
  /** How its host key is checked. */
  readonly hostKey: string;
}

/** The answer file against the copy uploaded last: key names only, never values. */
export interface AnswersChange {
  readonly status: "not uploaded yet" | "unchanged" | "changed";
  /** The local copy of the last upload. */
  readonly lastUpload?: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** What `rdoctl install --dry-run` shows besides phase × host. */
export interface DryRunDetails {
  readonly hosts: readonly HostAccess[];
  readonly release: { readonly version: string; readonly codename: string; readonly repositories: readonly string[]; readonly packages: readonly string[] };
  readonly answers: AnswersChange;
  /** For each phase that would run: where and what. */
  readonly actions: ReadonlyArray<{ readonly phase: PhaseName; readonly hosts: readonly string[]; readonly what: string }>;
}

function authOf(ep: Endpoint): string[] {
  const out: string[] = [];
  if (process.env.SSH_AUTH_SOCK) out.push("ssh-agent");
  const keys = ep.keyFiles.filter((f) => fs.existsSync(f));
  out.push(...keys.map((k) => `key ${k}`));
  if (keys.length === 0) out.push(`no key file found (looked for ${ep.keyFiles.join(", ")})`);
  if (ep.passwordAuth) out.push("password (asked)");
  return out;
}

function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m && m[1]) out.set(m[1], m[2] ?? "");
  }
  return out;
}

/** Compares the answer file rdoctl would upload with its local copy of the last upload. */
export function answersChange(next: string, localCopy: string): AnswersChange {
  let previous: string;
  try {
    previous = fs.readFileSync(localCopy, "utf8");
  } catch {
    return { status: "not uploaded yet", added: [], removed: [], changed: [] };
  }
  const before = keyValues(previous);
  const after = keyValues(next);
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  const same = previous === next || added.length + removed.length + changed.length === 0;
  return { status: same ? "unchanged" : "changed", lastUpload: localCopy, added, removed, changed };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The plan's details: access per host, repositories and packages, answer file, actions. */
export function dryRunDetails(ctx: InstallContext, steps: readonly PlannedStep[]): DryRunDetails {
  const { topology, paths } = ctx;
  const codename = RELEASE_CODENAMES[topology.release];
  const hosts = topology.hosts.map((h): HostAccess => {
    const ep = ctx.pool.endpoint(h.name);
    return {
      host: h.name,
      roles: h.roles,
      route: describeEndpoint(ep),
      auth: authOf(ep),
      hostKey: ep.pinnedHostKeys.length ? `pinned ${ep.pinnedHostKeys.join(", ")}` : `known_hosts (yours and ${paths.knownHosts})`,
    };
  });
  const centos = guidance.os.centos;
  const rhel = guidance.os.rhel;
  const releasePackage = `${fill(centos.releasePackage, { codename })} (RHEL: ${fill(rhel.releasePackage, { codename })})`;
  const allHosts = topology.hosts.map((h) => h.name).join(", ");
  const values: Record<string, string> = {
    commands: Object.keys(requirements.commands).filter((c) => !c.startsWith("$")).join(" "),
    selinux: guidance.selinux,
    firewalld: guidance.firewalld === "disable" ? "disabled" : guidance.firewalld,
    locale: guidance.locale,
    localePackage: guidance.localePackage,
    enableCrb: `${centos.enableCrb} (RHEL: ${rhel.enableCrb})`,
    releasePackage,
    deployerKey: DEPLOYER_KEY,
    hosts: allHosts,
    remoteAnswers: REMOTE_ANSWER_FILE,
    localAnswers: paths.answerFile,
    remoteRuns: REMOTE_RUNS,
    keystonerc: REMOTE_KEYSTONERC,
    cloudsYaml: paths.cloudsYaml,
    openrc: paths.openrc,
    packstackLogs: PACKSTACK_LATEST_LOGS,
    artifacts: paths.artifacts,
  };
  const actions: Array<{ phase: PhaseName; hosts: string[]; what: string }> = [];
  for (const step of steps) {
    if (step.action !== "run") continue;
    let action = actions.find((a) => a.phase === step.phase);
    if (!action) {
      const template = (phaseActions as Record<string, string>)[step.phase] ?? "";
      action = { phase: step.phase, hosts: [], what: template };
      actions.push(action);
    }
    action.hosts.push(step.host);
  }
  for (const action of actions) {
    const fqdn = action.phase === "prepare" ? "<each host's FQDN>" : "";
    action.what = fill(action.what, { ...values, fqdn });
  }
  return {
    hosts,
    release: {
      version: topology.release,
      codename,
      repositories: ["CRB", releasePackage],
      packages: [`${guidance.localePackage} (every host, if missing)`, "openstack-packstack (deployer)", "then Packstack installs the OpenStack services per role"],
    },
    answers: answersChange(ctx.answers().text, paths.answerFile),
    actions,
  };
}
