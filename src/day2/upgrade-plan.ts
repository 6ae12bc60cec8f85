import * as fs from "node:fs";
import { RdoctlError } from "../errors";
import guidance from "../install/data/host-guidance.json";
import { answerIssues, generateAnswers } from "../packstack/answers";
import { loadCatalog } from "../packstack/catalog";
import { diffAnswerFiles, diffReleases, type Change } from "../packstack/diff";
import { DeterministicSecretSource } from "../packstack/secrets";
import { findShipped } from "../shipped-files";
import { formatPath } from "../topology/issues";
import { RELEASE_CODENAMES, RELEASES, hostForRole, hostsWithRole, type Release, type Role, type Topology } from "../topology/model";

/**
 * `rdoctl upgrade plan INVENTORY --to RELEASE`: what moving a cloud to the next RDO release
 * involves, for this cloud's topology — its answer file's changes (generated for both releases
 * from the same inventory, secrets never shown), keys renamed, what the inventory uses that the
 * new release refuses, the repository change, and the ordered steps (data/upgrade.json).
 * Nothing is contacted or changed. Paths RDO does not document are refused with the reason.
 */

interface UpgradeData {
  readonly sources: readonly string[];
  readonly next: Readonly<Record<string, string>>;
  readonly refusals: Readonly<Record<"same" | "downgrade" | "unreleased" | "skip", string>>;
  readonly steps: ReadonlyArray<{ id: string; on: "all" | "deployer" | "database" | Role; what: string; commands: readonly string[] }>;
}

let cached: UpgradeData | undefined;
function upgradeData(): UpgradeData {
  if (cached) return cached;
  const file = findShipped("data/upgrade.json", __dirname);
  if (!file) throw new Error(`data/upgrade.json not found above ${__dirname}`);
  cached = JSON.parse(fs.readFileSync(file, "utf8")) as UpgradeData;
  return cached;
}

export interface UpgradeStep {
  readonly id: string;
  readonly what: string;
  /** Host names, in the order to work on them. */
  readonly hosts: readonly string[];
  readonly commands: readonly string[];
}

export interface InventoryProblem {
  /** Where in the inventory, e.g. `services.neutron.l2Agent`. */
  readonly path: string;
  readonly message: string;
}

export interface UpgradePlan {
  readonly cloud: string;
  readonly from: Release;
  readonly to: Release;
  readonly repository: { readonly from: string; readonly to: string };
  /** The inventory uses what the new release refuses: change these first. */
  readonly blockers: readonly InventoryProblem[];
  /** Old key → new key (the new release reads the old name as deprecated, or not at all). */
  readonly renamed: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  /** This cloud's answer file, old release → new release (undefined while there are blockers). */
  readonly answerFile?: readonly Change[];
  /** Every parameter change between the releases' Packstack (added, removed, defaults, choices). */
  readonly catalog: readonly Change[];
  readonly steps: readonly UpgradeStep[];
  readonly sources: readonly string[];
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/** Why RDO has no upgrade from `from` to `to`, or undefined when it does. */
export function refusal(from: Release, to: Release): string | undefined {
  const data = upgradeData();
  const vars = { from, to };
  if (from === to) return fill(data.refusals.same, vars);
  if (to === "master" || from === "master") return fill(data.refusals.unreleased, { ...vars, to: to === "master" ? to : from });
  if (RELEASES.indexOf(to) < RELEASES.indexOf(from)) return fill(data.refusals.downgrade, vars);
  if (data.next[from] === to) return undefined;
  const path: string[] = [from];
  while (path[path.length - 1] !== to) {
    const next = data.next[path[path.length - 1]!];
    if (!next) return fill(data.refusals.unreleased, vars);
    path.push(next);
  }
  return fill(data.refusals.skip, { ...vars, skipped: path.slice(1, -1).join(", "), path: path.join(" → ") });
}

function hostsFor(topology: Topology, on: UpgradeData["steps"][number]["on"]): string[] {
  if (on === "all") return topology.hosts.map((h) => h.name);
  if (on === "deployer") return [topology.deployer];
  // Controller-side roles default to the controller when no host has them explicitly.
  const explicit = hostsWithRole(topology, on).map((h) => h.name);
  return explicit.length || on === "compute" ? explicit : [hostForRole(topology, on).name];
}

export function planUpgrade(topology: Topology, to: Release): UpgradePlan {
  const from = topology.release;
  const why = refusal(from, to);
  if (why) throw new RdoctlError(`upgrade plan refused: ${why}`);
  const data = upgradeData();
  const pkg = (release: Release) => guidance.os.centos.releasePackage.replace(/\{codename\}/g, RELEASE_CODENAMES[release]);
  const repository = { from: pkg(from), to: pkg(to) };

  const next = { ...topology, release: to };
  const blockers = answerIssues(next, to).map((i) => ({ path: formatPath(i.path), message: i.message }));

  const oldCatalog = loadCatalog(from);
  const newCatalog = loadCatalog(to);
  const renamed = newCatalog.params.flatMap((p) =>
    p.deprecates.map((old) => old.toUpperCase()).filter((old) => oldCatalog.byName.has(old) && !newCatalog.byName.has(old)).map((old) => ({ from: old, to: p.name })),
  );

  let answerFile: Change[] | undefined;
  if (blockers.length === 0) {
    // The same stand-in secrets on both sides: only real differences show, never a password.
    const secrets = () => new DeterministicSecretSource(topology.name);
    const a = generateAnswers(topology, { secrets: secrets(), release: from });
    const b = generateAnswers(next, { secrets: secrets(), release: to });
    answerFile = [...diffAnswerFiles(a.text, from, b.text, to).changes];
  }

  const vars = { from, to, fromPackage: repository.from, toPackage: repository.to };
  const steps = data.steps.map((s) => ({ id: s.id, what: fill(s.what, vars), hosts: hostsFor(topology, s.on), commands: s.commands.map((c) => fill(c, vars)) }));
  return { cloud: topology.name, from, to, repository, blockers, renamed, answerFile, catalog: diffReleases(from, to).changes, steps, sources: data.sources };
}

function changeLine(c: Change): string {
  const v = (x: string | undefined) => (x === undefined ? "-" : x === "" ? "''" : x);
  if (c.change === "added") return `  + ${c.key}=${v(c.to)}`;
  if (c.change === "removed") return `  - ${c.key} (was ${v(c.from)})`;
  return `  ~ ${c.key}: ${v(c.from)} → ${v(c.to)}${c.change === "default" ? " (default)" : c.change === "choices" ? " (choices)" : ""}`;
}

export function formatUpgradePlan(plan: UpgradePlan): string {
  const out: string[] = [`cloud ${plan.cloud}: RDO ${plan.from} (${RELEASE_CODENAMES[plan.from]}) → ${plan.to} (${RELEASE_CODENAMES[plan.to]})`, ""];
  out.push(`repository: ${plan.repository.from} → ${plan.repository.to}`, "");
  if (plan.blockers.length) {
    out.push(`the inventory uses what ${plan.to} refuses (change these first):`);
    for (const b of plan.blockers) out.push(`  ${b.path}: ${b.message}`);
    out.push("");
  }
  if (plan.renamed.length) {
    out.push("keys renamed:");
    for (const r of plan.renamed) out.push(`  ${r.from} → ${r.to}`);
    out.push("");
  }
  if (plan.answerFile) {
    out.push(plan.answerFile.length ? `this cloud's answer file (${plan.answerFile.length} change(s); secrets not shown):` : "this cloud's answer file: no change");
    for (const c of plan.answerFile) out.push(changeLine(c));
    out.push("");
  }
  const kinds = ["added", "removed", "default", "choices"] as const;
  out.push(`Packstack ${plan.from} → ${plan.to} parameters: ${kinds.map((k) => `${plan.catalog.filter((c) => c.change === k).length} ${k}`).join(", ")} (\`rdoctl answers diff --from ${plan.from} --to ${plan.to}\` lists them)`, "");
  out.push("steps (cold upgrade, in this order):");
  plan.steps.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s.what}${s.hosts.length ? ` — on ${s.hosts.join(", ")}` : ""}`);
    for (const c of s.commands) out.push(`       ${c}`);
  });
  out.push("", `sources: ${plan.sources.join(", ")}`);
  return out.join("\n") + "\n";
}
