import { stateBackendFromEnv, useStateBackendEverywhere } from "../src/cloud/backend";
import { RdoctlError } from "../src/errors";
import { AppTemplateStack } from "./app-template";
import { optionalTopology, runApp, type CloudStackProps } from "./common";
import { IdentityStack } from "./identity";
import { InstallStack } from "./install";
import { LabBasicsStack } from "./lab-basics";

/**
 * The cdktf app `cdktf synth` runs (cdktf.json). `RDOCTL_CLOUD=<name>` points the provider at a
 * cloud rdoctl installed; otherwise the clouds.yaml entry named after the topology (or
 * `openstack`) in the clouds.yaml openstacksdk would read where synth runs; each stack's is
 * named in one line. `RDOCTL_INSTALL=1` (with
 * `RDOCTL_INVENTORY`) adds the `install` stack the day-1 stacks depend on, so `cdktf deploy '*'`
 * installs the cloud first. `RDOCTL_STATE` chooses where the state lives (src/cloud/backend.ts).
 */
runApp((app) => {
  const topology = optionalTopology();
  const inventory = process.env.RDOCTL_INSTALL === "1" ? process.env.RDOCTL_INVENTORY : undefined;
  if (process.env.RDOCTL_INSTALL === "1" && (!inventory || !topology)) {
    throw new RdoctlError("RDOCTL_INSTALL=1 needs RDOCTL_INVENTORY=<inventory of the hosts to install>");
  }
  const install = inventory && topology ? new InstallStack(app, "install", { topology, inventory }) : undefined;
  const installed = process.env.RDOCTL_CLOUD ?? (install ? topology?.name : undefined);
  const props: CloudStackProps = installed ? { topology, cloud: { installed } } : { topology };
  // RDOCTL_STACKS=a,b builds only those day-1 stacks (`rdoctl up --stacks`): a construct of a
  // stack left out cannot fail the synth of the others.
  const day1Stacks = { "lab-basics": LabBasicsStack, identity: IdentityStack, "app-template": AppTemplateStack };
  const only = process.env.RDOCTL_STACKS?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((name) => !(name in day1Stacks));
  if (unknown.length) throw new RdoctlError(`RDOCTL_STACKS: ${unknown.join(", ")} is not a day-1 stack of the app (${Object.keys(day1Stacks).join(", ")})`);
  const day1 = Object.entries(day1Stacks)
    .filter(([name]) => !only || only.includes(name))
    .map(([name, Stack]) => new Stack(app, name, props));
  if (install) {
    // One `cdktf deploy '*'`: the install first, and app-template after the image, flavors and
    // external network of lab-basics.
    for (const stack of day1) stack.addDependency(install);
    const labBasics = day1.find((s) => s.node.id === "lab-basics");
    const appTemplate = day1.find((s) => s.node.id === "app-template");
    if (labBasics && appTemplate) appTemplate.addDependency(labBasics);
  }
  useStateBackendEverywhere(app, stateBackendFromEnv(process.env, topology?.name));
});
