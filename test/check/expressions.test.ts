import { describe, expect, it } from "vitest";
import { checkLiteral, parseCtyType } from "../../src/cloud/check/cty";
import { dependsOnReference, formatSteps, referencesInTemplate } from "../../src/cloud/check/expressions";
import { satisfiesConstraint } from "../../src/cloud/check/version-constraint";

const texts = (s: string) => referencesInTemplate(s).map((r) => r.text);

describe("referencesInTemplate", () => {
  it("finds traversals with attribute, index and splat steps", () => {
    const [ref] = referencesInTemplate('${openstack_compute_instance_v2.web[0].network[1]["fixed_ip_v4"]}');
    expect(ref!.root).toBe("openstack_compute_instance_v2");
    expect(ref!.steps).toEqual([
      { kind: "attr", name: "web" },
      { kind: "index", key: 0 },
      { kind: "attr", name: "network" },
      { kind: "index", key: 1 },
      { kind: "index", key: "fixed_ip_v4" },
    ]);
    expect(formatSteps(ref!.steps)).toBe('web[0].network[1]["fixed_ip_v4"]');
    expect(referencesInTemplate("${a_b.c.*.id}")[0]!.steps).toEqual([{ kind: "attr", name: "c" }, { kind: "splat" }, { kind: "attr", name: "id" }]);
    expect(referencesInTemplate("${a_b.c.0.id}")[0]!.steps[1]).toEqual({ kind: "index", key: 0 });
  });

  it("finds references inside larger strings, function calls, nested strings and computed indexes", () => {
    expect(texts('#!/bin/sh\necho ${openstack_x.a.id} > /f; ${join(",", [for s in openstack_y.b : s.name])}')).toEqual(["openstack_x.a.id", "openstack_y.b"]);
    expect(texts('${format("%s-${var.suffix}", local.prefix)}')).toEqual(["var.suffix", "local.prefix"]);
    expect(texts("${openstack_x.a[count.index].id}").sort()).toEqual(["count.index", "openstack_x.a[count.index].id"]);
    expect(referencesInTemplate("${openstack_x.a[count.index].id}").find((r) => r.root === "openstack_x")!.steps[1]).toEqual({ kind: "index", key: undefined });
    expect(texts("${data.openstack_images_image_v2.cirros.id}")).toEqual(["data.openstack_images_image_v2.cirros.id"]);
    expect(texts("%{ for ip in openstack_x.a.ips }${ip.address}%{ endfor }")).toEqual(["openstack_x.a.ips"]);
  });

  it("skips escapes, function names, provider functions, keywords, object keys and for-variables", () => {
    expect(texts("$${not.a.ref} and %%{ also.not }")).toEqual([]);
    expect(texts('${provider::openstack::parse(var.x)}')).toEqual(["var.x"]);
    expect(texts('${merge(var.tags, { role = "web", n = 1.5e3 })}')).toEqual(["var.tags"]);
    expect(texts("${{ for k, v in var.m : k => v.id if v.enabled }}")).toEqual(["var.m"]);
    expect(texts("${var.on ? true : null}")).toEqual(["var.on"]);
    expect(texts("plain text with a } and a $ sign")).toEqual([]);
    expect(texts("${true} ${null}")).toEqual([]);
  });

  it("keeps a lone name as a reference without steps, for the checker to reject", () => {
    expect(referencesInTemplate("echo ${HOSTNAME}")).toEqual([{ root: "HOSTNAME", steps: [], text: "HOSTNAME" }]);
    expect(referencesInTemplate("echo $${HOSTNAME}")).toEqual([]);
  });

  it("reads depends_on entries with or without ${}", () => {
    expect(dependsOnReference("${openstack_x.a}")?.text).toBe("openstack_x.a");
    expect(dependsOnReference("data.openstack_y.b")?.text).toBe("data.openstack_y.b");
    expect(dependsOnReference("module.m")?.root).toBe("module");
    expect(dependsOnReference("router please")).toBeUndefined();
    expect(dependsOnReference("${join(\",\", var.x)}")).toBeUndefined();
  });
});

describe("checkLiteral follows Terraform's conversions", () => {
  const problems = (value: unknown, type: unknown) => checkLiteral(value, parseCtyType(type as never)).map((p) => `${p.severity} ${p.subPath} ${p.message}`);

  it("accepts what Terraform converts", () => {
    expect(problems(5, "string")).toEqual([]);
    expect(problems(true, "string")).toEqual([]);
    expect(problems("5", "number")).toEqual([]);
    expect(problems("-1.5e3", "number")).toEqual([]);
    expect(problems("true", "bool")).toEqual([]);
    expect(problems("0", "bool")).toEqual([]);
    expect(problems(null, "number")).toEqual([]);
    expect(problems("${var.x}", "number")).toEqual([]);
    expect(problems("port-${var.x}", ["list", "string"])).toEqual([]);
    expect(problems({ a: 1, b: "2" }, ["map", "number"])).toEqual([]);
    expect(problems([1, "a"], ["tuple", ["number", "string"]])).toEqual([]);
    expect(problems({ x: [1] }, "dynamic")).toEqual([]);
  });

  it("rejects what Terraform cannot convert, naming the element", () => {
    expect(problems("abc", "number")).toEqual(['error  expected number, got the string "abc"; Terraform cannot convert it to a number']);
    expect(problems(1, "bool")).toEqual(["error  expected bool, got the number 1"]);
    expect(problems(["a", { b: 1 }], ["list", "string"])).toEqual(["error [1] expected string, got an object"]);
    expect(problems({ "a.b": "x" }, ["map", "number"])).toEqual(['error ["a.b"] expected number, got the string "x"; Terraform cannot convert it to a number']);
    expect(problems({ name: "n", extra: 1 }, ["object", { name: "string", port: "number" }, ["port"]])).toEqual(['warning .extra not an attribute of object {name, port}; Terraform discards it']);
    expect(problems({}, ["object", { name: "string" }])).toEqual(['error .name missing object attribute "name" (string)']);
    expect(problems([1], ["tuple", ["number", "string"]])).toEqual(["error  expected tuple [number, string], got a list of 1; expected exactly 2 elements"]);
    expect(problems(true, "number")).toEqual(["warning  expected number, got the boolean true; write a number"]);
  });
});

describe("satisfiesConstraint", () => {
  it("evaluates Terraform version constraints", () => {
    expect(satisfiesConstraint("3.4.0", "~> 3.4")).toBe(true);
    expect(satisfiesConstraint("3.4.0", "~> 3.4.1")).toBe(false);
    expect(satisfiesConstraint("3.4.2", "~> 3.4.1")).toBe(true);
    expect(satisfiesConstraint("4.0.0", "~> 3.4")).toBe(false);
    expect(satisfiesConstraint("3.4.0", ">= 3.0, < 4.0")).toBe(true);
    expect(satisfiesConstraint("3.4.0", "3.4.0")).toBe(true);
    expect(satisfiesConstraint("3.4.0", "!= 3.4.0")).toBe(false);
    // Only the right-most component given may grow: `~> 2` is any 2.x or later, `~> 4` excludes 3.x.
    expect(satisfiesConstraint("3.4.0", "~> 2")).toBe(true);
    expect(satisfiesConstraint("3.4.0", "~> 4")).toBe(false);
    expect(satisfiesConstraint("3.4.0", "whatever")).toBeUndefined();
  });
});
