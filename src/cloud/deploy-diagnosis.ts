import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Turns what `cdktf deploy` / `terraform apply` print when a deploy fails into one line per
 * problem naming the stack, the resource (and the construct that made it) and what to do. The
 * raw output stays available; this is the line an operator reads first.
 */

export type DeployProblemKind = "auth" | "unreachable" | "quota" | "missing-service" | "conflict" | "heat-stack-failed" | "server-error" | "other";

export interface DeployProblem {
  readonly stack: string;
  /** `openstack_x.name`, or `provider openstack` for a failure before any resource. */
  readonly address: string;
  /** The construct path from cdk.tf.json's metadata, when known. */
  readonly constructPath?: string;
  readonly kind: DeployProblemKind;
  readonly what: string;
  readonly todo: string;
}

interface ErrorBlock {
  readonly stack: string;
  readonly summary: string;
  readonly body: string;
  readonly address?: string;
}

/** Resource type prefix → the service it needs and the topology switch that installs it. */
const SERVICES: readonly [prefix: string, service: string, topology: string][] = [
  ["openstack_orchestration_", "Heat (orchestration)", "services.heat.enabled: true"],
  ["openstack_blockstorage_", "Cinder (block storage)", "services.cinder.enabled: true"],
  ["openstack_objectstorage_", "Swift (object storage)", "services.swift.enabled: true"],
  ["openstack_images_", "Glance (image)", "services.glance.enabled: true"],
  ["openstack_compute_", "Nova (compute)", "services.nova.enabled: true"],
  ["openstack_networking_", "Neutron (network)", "the neutron service"],
  ["openstack_identity_", "Keystone (identity)", "a reachable auth_url"],
];

// cdktf starts each chunk of a stack's output with the stack name (continuation lines are
// indented to match); terraform frames each diagnostic with box-drawing characters.
const STACK_PREFIX = /^([A-Za-z0-9][\w.-]*)\s{2,}/;
const FRAME = /^\s*([╷│╵])\s?(.*)$/;

/**
 * The `Error:` diagnostics of the output. Terraform frames each one (╷ │ ╵) on a terminal; under
 * CI (no colour, no TTY) cdktf prints them unframed, the diagnostic's lines indented under it.
 */
function errorBlocks(output: string, defaultStack: string): ErrorBlock[] {
  const blocks: ErrorBlock[] = [];
  let current: { stack: string; summary: string; lines: string[] } | undefined;
  let stack = defaultStack;
  const close = () => {
    if (!current) return;
    const withLine = current.lines.find((l) => /^\s*with /.test(l));
    const address = withLine ? /with ([^,]+),?/.exec(withLine)?.[1]?.trim() : undefined;
    blocks.push({ stack: current.stack, summary: current.summary, body: current.lines.join("\n"), ...(address ? { address } : {}) });
    current = undefined;
  };
  for (const raw of output.replace(/\x1b\[[0-9;]*m/g, "").split("\n")) {
    let line = raw.trimEnd();
    const prefix = STACK_PREFIX.exec(line);
    if (prefix) {
      stack = prefix[1]!;
      line = line.slice(prefix[0].length);
    }
    const framed = FRAME.exec(line);
    if (framed?.[1] === "╵") {
      close();
      continue;
    }
    const text = framed ? (framed[2] ?? "") : line;
    const error = /^\s*Error: (.*)$/.exec(text);
    if (error) {
      close();
      current = { stack, summary: error[1]!.trim(), lines: [] };
    } else if (current) {
      // Unframed: the diagnostic goes on while lines are indented; a stack's next line or an unindented one ends it.
      if (!framed && (prefix || (text.trim() !== "" && !/^\s/.test(text)))) close();
      else current.lines.push(text);
    }
  }
  close();
  return blocks;
}

function serviceOf(address: string | undefined): [string, string] | undefined {
  const type = address?.replace(/^data\./, "").split(".")[0] ?? "";
  const hit = SERVICES.find(([prefix]) => type.startsWith(prefix));
  return hit ? [hit[1], hit[2]] : undefined;
}

function classify(block: ErrorBlock, context: DiagnosisContext): Omit<DeployProblem, "stack" | "address" | "constructPath"> {
  const text = `${block.summary}\n${block.body}`;
  const cloud = context.cloudEntry ? `clouds.yaml entry ${context.cloudEntry}` : "the clouds.yaml entry the stack uses";
  const file = context.cloudsYaml ? ` in ${context.cloudsYaml}` : "";
  const url = /(https?:\/\/[^\s\]"',]+)/.exec(text)?.[1];
  if (/connection refused|no such host|i\/o timeout|network is unreachable|no route to host|context deadline exceeded|dial tcp|connection reset/i.test(text)) {
    return {
      kind: "unreachable",
      what: `cannot reach ${url ? url.replace(/\/v3\/auth\/tokens$|\/auth\/tokens$/, "") : "the cloud"} (${/connection refused|no such host|i\/o timeout|network is unreachable|no route to host|context deadline exceeded|connection reset/i.exec(text)![0]})`,
      todo: `check auth_url of ${cloud}${file} and that the cloud is up, then deploy again`,
    };
  }
  if (/\b401\b|Authentication failed|requires authentication|Unauthorized|could not find user|invalid username or password/i.test(text)) {
    return {
      kind: "auth",
      what: "the cloud refused the credentials (HTTP 401)",
      todo: `check username, password, user domain and project of ${cloud}${file}, then deploy again`,
    };
  }
  const server = /Error waiting for instance \((\S+)\) to become ready: unexpected state 'ERROR'/.exec(text);
  if (server) {
    // Nova accepted the server, then failed it (a quota recheck, no valid host…); the reason is
    // only in the server's fault, which the provider does not print.
    return {
      kind: "server-error",
      what: `server ${server[1]} went to ERROR`,
      todo: `see why with \`openstack server show ${server[1]} -c fault\` (a quota too small, no host with room…), fix that, then deploy again (Terraform replaces the server)`,
    };
  }
  const heat = /Error waiting for openstack_orchestration_stack_v1 (\S+) to become ready/.exec(text);
  if (heat) {
    // Provider 3.4.0 stores a stack's id only once it is complete: a failed one stays in Heat,
    // outside the state, and its name blocks the next create.
    return {
      kind: "heat-stack-failed",
      what: `Heat stack ${heat[1]} failed to create${/ROLLBACK_COMPLETE/.test(text) ? " (rolled back)" : ""} and is not in Terraform's state (provider 3.4.0 records a stack only once it is complete)`,
      todo: `see why with \`openstack stack show ${heat[1]}\`, fix that, delete it (\`openstack stack delete ${heat[1]}\`), then deploy again`,
    };
  }
  if (/quota|OverQuota|exceeds (allowed|available)|\b413\b/i.test(text)) {
    const which = /Quota exceeded for (?:resources?:?\s*)?\[?'?([a-z_, ']+)/i.exec(text)?.[1]?.replace(/'/g, "").trim();
    return {
      kind: "quota",
      what: `the project's quota is too small${which ? ` (${which})` : ""}`,
      todo: "raise the quota (Project quotas, or as admin `openstack quota set`) or ask for fewer/smaller resources, then deploy again",
    };
  }
  if (/No suitable endpoint could be found in the service catalog|endpoint .*not found|no endpoint/i.test(text)) {
    const [service, topology] = serviceOf(block.address) ?? ["a service this resource needs", "the service"];
    return {
      kind: "missing-service",
      what: `the cloud has no ${service} endpoint`,
      todo: `install it (${topology} in the topology) or deploy a stack without this resource`,
    };
  }
  if (/\b409\b|already exists|Conflict/i.test(text)) {
    return {
      kind: "conflict",
      what: `it exists already in the cloud (${block.summary.slice(0, 120)})`,
      todo: "import it (`terraform import`) or let the stack look it up instead of creating it",
    };
  }
  const detail = block.body.split("\n").map((l) => l.trim()).find((l) => l && !/^(with|on) /.test(l) && !/^\d+:/.test(l));
  return { kind: "other", what: `${block.summary}${detail && !block.summary.includes(detail) ? `: ${detail.slice(0, 200)}` : ""}`, todo: "see the deploy output above" };
}

export interface DiagnosisContext {
  /** The stack when the output is a single stack's (terraform's own); cdktf prefixes each line. */
  readonly stack?: string;
  /** cdktf's output directory, to name the construct behind each resource (`//` metadata). */
  readonly outdir?: string;
  readonly cloudEntry?: string;
  readonly cloudsYaml?: string;
}

/** Every error in the output, one problem each; identical problems (same stack, resource, kind) once. */
export function diagnoseDeploy(output: string, context: DiagnosisContext = {}): DeployProblem[] {
  const seen = new Set<string>();
  const problems: DeployProblem[] = [];
  for (const block of errorBlocks(output, context.stack ?? "stack")) {
    const classified = classify(block, context);
    const named = block.address ? /^(\S+)(?: \(([^)]+)\))?/.exec(block.address) : null;
    const address = named && !named[1]!.startsWith("provider[") ? named[1]! : "provider openstack";
    // A cloud that cannot be reached or refuses the login fails every resource alike: one line.
    const key = classified.kind === "auth" || classified.kind === "unreachable" ? `${block.stack} ${classified.kind}` : `${block.stack} ${address} ${classified.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const constructPath = named?.[2] ?? (context.outdir ? constructPathOf(context.outdir, block.stack, address) : undefined);
    problems.push({ stack: block.stack, address, ...(constructPath ? { constructPath } : {}), ...classified });
  }
  return problems;
}

export function formatDeployProblem(problem: DeployProblem): string {
  const where = `${problem.address}${problem.constructPath ? ` (${problem.constructPath})` : ""}`;
  return `deploy ${problem.stack}: ${where}: ${problem.what}; ${problem.todo}`;
}

function constructPathOf(outdir: string, stack: string, address: string): string | undefined {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  if (!existsSync(file)) return undefined;
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>>>;
    const parts = address.split(".");
    const [kind, type, name] = parts[0] === "data" ? ["data", parts[1], parts[2]] : ["resource", parts[0], parts[1]];
    const metadataPath = json[kind]?.[type ?? ""]?.[(name ?? "").replace(/\[.*$/, "")]?.["//"]?.metadata?.path;
    return metadataPath;
  } catch {
    return undefined;
  }
}
