import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { Testing, TerraformStack, TerraformVariable } from "../../src/cdktf";
import { HeatStack, OpenStackCloud, getAttr, getParam, getResource, validateHot, type HotTemplate } from "../../src/cloud";
import { AppTemplateStack } from "../../stacks/app-template";
import { onlyResource, synth } from "./synth";

const TEMPLATE: HotTemplate = {
  heat_template_version: "2021-04-16",
  parameters: { image: { type: "string", default: "cirros" }, key: { type: "string" } },
  resources: {
    port: { type: "OS::Neutron::Port", properties: { network: "private" } },
    server: {
      type: "OS::Nova::Server",
      properties: { image: getParam("image"), key_name: getParam("key"), networks: [{ port: getResource("port") }], name: getParam("OS::stack_name") },
      depends_on: ["port"],
    },
  },
  outputs: { ip: { value: getAttr("server", "first_address") } },
};

function heatStack(id: string, template: HotTemplate, parameters: Record<string, string> = { key: "lab" }) {
  const stack = new TerraformStack(Testing.app(), id);
  new OpenStackCloud(stack, "cloud", { cloud: "lab" });
  new HeatStack(stack, "app", { name: "app", template, parameters });
  return stack;
}

describe("HeatStack", () => {
  it("hands Heat the template and environment under the one key provider 3.4.0 reads (Bin), with every parameter as a string", () => {
    const out = synth(heatStack("ok", TEMPLATE));
    const stack = onlyResource(out, "openstack_orchestration_stack_v1");
    // Heat reads every parameter back, so defaults are passed too and a second plan sees no change.
    expect(stack.parameters).toEqual({ image: "cirros", key: "lab" });
    // buildTE in the provider's orchestration_stack_v1.go reads Bin, URL and Files and drops any other key.
    expect(Object.keys(stack.template_opts as object)).toEqual(["Bin"]);
    const templateOpts = stack.template_opts as { Bin: string };
    const rendered = parse(templateOpts.Bin) as HotTemplate;
    expect(rendered).toEqual(TEMPLATE);
    expect(templateOpts.Bin).toMatch(/^heat_template_version: 2021-04-16$/m);
    // The provider always sends an environment; without Bin it sends none that Heat can parse.
    expect(stack.environment_opts).toEqual({ Bin: "{}\n" });
    expect(stack.lifecycle).toBeUndefined();
  });

  it("renders a given environment as YAML under Bin and leaves parameters it sets to it", () => {
    const stack = new TerraformStack(Testing.app(), "env");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    new HeatStack(stack, "app", { name: "app", template: TEMPLATE, parameters: { key: "lab" }, environment: { parameter_defaults: { image: "fedora" } } });
    const heat = onlyResource(synth(stack), "openstack_orchestration_stack_v1");
    expect(parse((heat.environment_opts as { Bin: string }).Bin)).toEqual({ parameter_defaults: { image: "fedora" } });
    expect(heat.parameters).toEqual({ key: "lab" });
  });

  it("fails synth naming the construct path and the dangling get_resource", () => {
    const broken: HotTemplate = {
      ...TEMPLATE,
      resources: { ...TEMPLATE.resources, server: { type: "OS::Nova::Server", properties: { networks: [{ port: getResource("prot") }] } } },
    };
    expect(() => synth(heatStack("dangling", broken))).toThrow(
      /\[dangling\/app\] HOT template: resources\.server\.properties\.networks\[0\]\.port\.get_resource: get_resource refers to undeclared resource prot \(declared: port, server\)/,
    );
  });

  it("reports unknown versions, undeclared parameters and attributes, and bad depends_on", () => {
    const broken = {
      heat_template_version: "2019-01-01",
      parameters: {},
      resources: {
        a: { type: "OS::Heat::None", properties: { x: getParam("flavour"), y: getAttr("b", "name") }, depends_on: "c" },
      },
      outputs: { o: { value: { get_attr: ["a"] } } },
    } as unknown as HotTemplate;
    const issues = validateHot(broken).map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual([
      expect.stringMatching(/^heat_template_version: unknown version "2019-01-01"/),
      "resources.a.depends_on: depends_on refers to undeclared resource c",
      "resources.a.properties.x.get_param: get_param refers to undeclared parameter flavour (the template declares no parameters)",
      "resources.a.properties.y.get_attr: get_attr refers to undeclared resource b (declared: a)",
      "outputs.o.value.get_attr: get_attr needs [resource, attribute, …]",
    ]);
  });

  it("requires values for parameters without default and refuses unknown ones", () => {
    expect(() => synth(heatStack("missing", TEMPLATE, {}))).toThrow(/\[missing\/app\] template parameter key has no default and no value is passed/);
    expect(() => synth(heatStack("extra", TEMPLATE, { key: "k", flavor: "m1.tiny" }))).toThrow(
      /\[extra\/app\] parameter flavor is passed but the template declares no such parameter \(declared: image, key\)/,
    );
  });

  it("refuses a literal value for a hidden parameter, which cdk.tf.json would hold, and takes a sensitive variable", () => {
    const template: HotTemplate = { ...TEMPLATE, parameters: { ...TEMPLATE.parameters, db_password: { type: "string", hidden: true } } };
    expect(() => synth(heatStack("literal", template, { key: "lab", db_password: "s3cret-literal" }))).toThrow(
      /\[literal\/app\] template parameter db_password is hidden but its value is a literal that cdk.tf.json would hold/,
    );
    const viaEnvironment = new TerraformStack(Testing.app(), "environment");
    new OpenStackCloud(viaEnvironment, "cloud", { cloud: "lab" });
    new HeatStack(viaEnvironment, "app", { name: "app", template, parameters: { key: "lab" }, environment: { parameter_defaults: { db_password: "s3cret-literal" } } });
    expect(() => synth(viaEnvironment)).toThrow(/\[environment\/app\] template parameter db_password is hidden but environment.parameter_defaults is a literal/);
    const withDefault: HotTemplate = { ...TEMPLATE, parameters: { ...TEMPLATE.parameters, db_password: { type: "string", hidden: true, default: "changeme" } } };
    expect(() => synth(heatStack("default", withDefault))).toThrow(/\[default\/app\] template parameter db_password is hidden but its default is a literal/);
    const stack = new TerraformStack(Testing.app(), "variable");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    const password = new TerraformVariable(stack, "db_password", { type: "string", sensitive: true });
    new HeatStack(stack, "app", { name: "app", template, parameters: { key: "lab", db_password: password.stringValue } });
    const heat = onlyResource(synth(stack), "openstack_orchestration_stack_v1");
    expect(heat.parameters).toEqual({ image: "cirros", key: "lab", db_password: "${var.db_password}" });
    // Heat reads a hidden parameter back as "******": without this every plan would update the stack.
    expect(heat.lifecycle).toEqual({ ignore_changes: ["parameters"] });
  });

  it("the app-template stack's Heat form validates and mirrors the VmGroup", () => {
    const stack = new AppTemplateStack(Testing.app(), "app-template", { cloud: { cloud: "lab" } });
    const out = synth(stack);
    const heat = onlyResource(out, "openstack_orchestration_stack_v1");
    const template = parse((heat.template_opts as { Bin: string }).Bin) as HotTemplate;
    expect(validateHot(template)).toEqual([]);
    const group = template.resources.web_group!.properties as { count: unknown; resource_def: { type: string } };
    expect(group.resource_def.type).toBe("OS::Nova::Server");
    expect(template.parameters?.count?.default).toBe(stack.web.servers.length);
  });
});
