/**
 * How long the schema check takes: loading the provider schema, checking the project's stacks,
 * and checking synthetic stacks of growing size. Prints figures; asserts nothing.
 *
 *   npx tsx bench/check-schema.ts [SYNTH_DIR]
 *
 * SYNTH_DIR defaults to cdktf.out (run `npx cdktf synth` first to include the real stacks).
 */
import * as fs from "node:fs";
import { checkSynthesizedStack, defaultSchemaPath, findSynthesizedStacks, parseProviderSchema, readSynthesizedStack } from "../src/cloud/check";

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median of `runs` timings of `fn`, in milliseconds. */
function median(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(ms(t));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** `projects` tenants, each with a project, network, subnet, router and router interface, all cross-referenced. */
function syntheticStack(projects: number): object {
  const resource: Record<string, Record<string, object>> = {
    openstack_identity_project_v3: {},
    openstack_networking_network_v2: {},
    openstack_networking_subnet_v2: {},
    openstack_networking_router_v2: {},
    openstack_networking_router_interface_v2: {},
  };
  const meta = (path: string) => ({ "//": { metadata: { path: `bench/${path}`, uniqueId: path } } });
  for (let i = 0; i < projects; i++) {
    resource.openstack_identity_project_v3![`p${i}`] = { ...meta(`p${i}`), name: `project-${i}`, description: "bench" };
    resource.openstack_networking_network_v2![`n${i}`] = { ...meta(`n${i}`), name: `net-${i}`, tenant_id: `\${openstack_identity_project_v3.p${i}.id}`, admin_state_up: true };
    resource.openstack_networking_subnet_v2![`s${i}`] = {
      ...meta(`s${i}`),
      network_id: `\${openstack_networking_network_v2.n${i}.id}`,
      cidr: `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24`,
      ip_version: 4,
      dns_nameservers: ["1.1.1.1"],
      allocation_pool: [{ start: "10.0.0.10", end: "10.0.0.200" }],
    };
    resource.openstack_networking_router_v2![`r${i}`] = { ...meta(`r${i}`), name: `router-${i}`, external_network_id: "${var.external}", tenant_id: `\${openstack_identity_project_v3.p${i}.id}` };
    resource.openstack_networking_router_interface_v2![`i${i}`] = {
      ...meta(`i${i}`),
      router_id: `\${openstack_networking_router_v2.r${i}.id}`,
      subnet_id: `\${openstack_networking_subnet_v2.s${i}.id}`,
      depends_on: [`openstack_networking_subnet_v2.s${i}`],
    };
  }
  return {
    "//": { metadata: { stackName: `bench-${projects}` } },
    terraform: { required_providers: { openstack: { source: "terraform-provider-openstack/openstack", version: "~> 3.4" } } },
    provider: { openstack: [{ cloud: "bench" }] },
    variable: { external: { type: "string" } },
    resource,
  };
}

const schemaFile = defaultSchemaPath();
const schemaText = fs.readFileSync(schemaFile, "utf8");
const parse = median(5, () => parseProviderSchema(schemaText, schemaFile));
const schema = parseProviderSchema(schemaText, schemaFile);
console.log(`schema ${schemaFile}: ${(schemaText.length / 1024).toFixed(0)} KiB, parse + index ${parse.toFixed(1)} ms (median of 5)`);

const target = process.argv[2] ?? "cdktf.out";
if (fs.existsSync(target)) {
  const stacks = findSynthesizedStacks(target).map((s) => ({ ...s, tfJson: readSynthesizedStack(s) }));
  let findings = 0;
  const time = median(9, () => {
    findings = 0;
    for (const s of stacks) findings += checkSynthesizedStack(s.tfJson, schema, { file: s.file }).length;
  });
  console.log(`project stacks in ${target} (${stacks.map((s) => s.name).join(", ")}): check ${time.toFixed(2)} ms (median of 9), ${findings} findings`);
} else {
  console.log(`${target} not found: run \`npx cdktf synth\` to time the project's stacks`);
}

console.log("synthetic stacks (project + network + subnet + router + interface per tenant):");
console.log("  resources   json KiB   check ms   per resource µs   findings");
for (const projects of [20, 200, 1000]) {
  const stack = syntheticStack(projects);
  const size = JSON.stringify(stack).length / 1024;
  let findings = 0;
  const time = median(5, () => {
    findings = checkSynthesizedStack(stack, schema).length;
  });
  const resources = projects * 5;
  console.log(`  ${String(resources).padStart(9)}   ${size.toFixed(0).padStart(8)}   ${time.toFixed(1).padStart(8)}   ${((time * 1000) / resources).toFixed(1).padStart(15)}   ${String(findings).padStart(8)}`);
}
