// Compares a derived provider schema with the provider's Markdown docs
// (docs/resources/*.md, docs/data-sources/*.md, docs/index.md): each documented argument
// must exist and its (Required)/(Optional) marker must match the schema.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Kinds that need a reviewed explanation; the others are informational. */
export const KINDS_NEEDING_EXPLANATION = ["missing-in-schema", "required-mismatch", "computed-only-in-schema", "block-not-found", "doc-missing"];

/** What each mismatch kind means and how to read it. */
export const MISMATCH_KINDS = {
  "missing-in-schema": "Documented as an argument but absent from the derived schema. Either the docs describe an argument the provider no longer has, or the derivation missed it (the important kind: check the source).",
  "required-mismatch": "The docs and the schema disagree on whether the argument is required. Usually the docs are out of date, or the SDK's rules differ from the docs' intent (e.g. Required blocks become min_items 1).",
  "computed-only-in-schema": "Documented as an argument, but the schema marks it computed-only, so it cannot be set. The docs list an exported attribute among the arguments.",
  "not-documented": "Settable in the schema but not listed under \"Argument Reference\". Informational: the docs are incomplete; the schema is still what Terraform enforces.",
  "no-marker": "Listed under \"Argument Reference\" without (Required) or (Optional); only its presence is checked.",
  "doc-missing": "The resource or data source has no documentation page.",
  "block-not-found": "A \"The `x` block supports:\" section names a block the schema does not have at any depth.",
};

const BULLET = /^\s*[*-] +`([A-Za-z0-9_]+)`\s*[-–—:]?\s*(?:\(([^)]*)\))?/;
const NESTED_HEADING = /^(?:The|Each)\s+((?:`[A-Za-z0-9_]+`\s*)+)(?:block|argument|object|attribute)s?\b.*\bsupports?\b/i;

/**
 * Reads a docs marker: "(Required)", "(Optional)", and the conditional forms
 * "(Optional; Required if `x` is empty)" / "(Required unless `x` is set)", which the SDK can
 * only express as Optional plus ExactlyOneOf/ConflictsWith, so they count as optional.
 */
export function markerKind(marker) {
  const first = /^\s*(required|optional|computed)\b(.*)$/i.exec(marker);
  if (!first) return "";
  const word = first[1].toLowerCase();
  if (/\brequired\s+(if|unless|when)\b/i.test(marker)) return "conditional";
  return word;
}

/**
 * Parses the "Argument Reference" section: returns Map<section, Map<name, marker>> where
 * section "" is the top level and other sections are named by their last block name.
 */
export function parseArgumentReference(markdown) {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^##\s+Argument(s)? Reference/i.test(l));
  if (start < 0) return null;
  let end = lines.findIndex((l, i) => i > start && /^##\s+/.test(l) && !/^###/.test(l));
  if (end < 0) end = lines.length;
  const sections = new Map([["", new Map()]]);
  let current = "";
  for (const line of lines.slice(start + 1, end)) {
    const heading = NESTED_HEADING.exec(line.trim());
    if (heading) {
      const names = [...heading[1].matchAll(/`([A-Za-z0-9_]+)`/g)].map((m) => m[1]);
      current = names[names.length - 1];
      if (!sections.has(current)) sections.set(current, new Map());
      continue;
    }
    const m = BULLET.exec(line);
    if (!m || /^\s{2,}/.test(line)) continue; // indented bullets are prose inside a description
    const marker = m[2] ?? "";
    sections.get(current).set(m[1], markerKind(marker));
  }
  return sections;
}

/** Source position of `argument` ("name" or "block.name") of `type`, if recorded. */
function locate(locations, type, argument) {
  if (!argument) return null;
  const direct = locations.get(`${type}.${argument}`);
  if (direct) return direct;
  const suffix = `.${argument}`;
  for (const [key, at] of locations) if (key.startsWith(`${type}.`) && key.endsWith(suffix)) return at;
  return null;
}

/** Finds the block named `name` anywhere below `block` (breadth first). */
function findBlock(block, name) {
  const queue = [block];
  while (queue.length) {
    const b = queue.shift();
    for (const [n, bt] of Object.entries(b.block_types ?? {})) {
      if (n === name) return bt.block;
      queue.push(bt.block);
    }
  }
  return null;
}

function member(block, name) {
  const a = block.attributes?.[name];
  if (a) return { settable: !!(a.required || a.optional), required: !!a.required };
  const b = block.block_types?.[name];
  if (b) return { settable: true, required: (b.min_items ?? 0) > 0 };
  return null;
}

function compareBlock(block, documented, type, section, out) {
  const prefix = section ? `${section}.` : "";
  for (const [name, marker] of documented) {
    const m = member(block, name);
    if (!m) { out.push({ type, argument: prefix + name, kind: "missing-in-schema", docs: marker || "listed" }); continue; }
    if (!marker) { out.push({ type, argument: prefix + name, kind: "no-marker", schema: m.required ? "required" : m.settable ? "optional" : "computed" }); continue; }
    if (!m.settable && marker !== "computed") { out.push({ type, argument: prefix + name, kind: "computed-only-in-schema", docs: marker, schema: "computed" }); continue; }
    if (marker === "conditional") {
      if (m.required) out.push({ type, argument: prefix + name, kind: "required-mismatch", docs: "conditionally required", schema: "required" });
      continue;
    }
    if (m.settable && (marker === "required") !== m.required) {
      out.push({ type, argument: prefix + name, kind: "required-mismatch", docs: marker, schema: m.required ? "required" : "optional" });
    }
  }
  for (const name of Object.keys(block.attributes ?? {})) {
    const a = block.attributes[name];
    if (!(a.required || a.optional) || documented.has(name) || (name === "id" && !section)) continue;
    out.push({ type, argument: prefix + name, kind: "not-documented", schema: a.required ? "required" : "optional" });
  }
  for (const name of Object.keys(block.block_types ?? {})) {
    if (documented.has(name) || name === "timeouts") continue;
    out.push({ type, argument: prefix + name, kind: "not-documented", schema: "block" });
  }
}

function compareType(type, schema, markdown, out) {
  const sections = parseArgumentReference(markdown);
  if (!sections) { out.push({ type, argument: "", kind: "doc-missing", detail: "no Argument Reference section" }); return; }
  for (const [section, documented] of sections) {
    if (!section) { compareBlock(schema.block, documented, type, "", out); continue; }
    const block = findBlock(schema.block, section);
    if (!block) {
      // Sections about a computed-only list (an attribute of object type) are not arguments.
      if (!schema.block.attributes?.[section]) out.push({ type, argument: section, kind: "block-not-found" });
      continue;
    }
    compareBlock(block, documented, type, section, out);
  }
}

/**
 * @param providerSchema  one entry of provider_schemas
 * @param docsRoot        the provider's docs/ directory; pages are named after the type
 *                         without its provider prefix (openstack_compute_instance_v2 → compute_instance_v2.md)
 * @param options.locations "type.path" → "file.go:line" from the derivation
 * @param options.known     reviewed explanations keyed "type argument"
 */
export function compareWithDocs(providerSchema, docsRoot, { locations = new Map(), known = {} } = {}) {
  const mismatches = [];
  const pages = { resource_schemas: "resources", data_source_schemas: "data-sources" };
  let checked = 0;
  for (const [section, dir] of Object.entries(pages)) {
    for (const [type, schema] of Object.entries(providerSchema[section])) {
      const page = join(docsRoot, dir, `${type.slice(type.indexOf("_") + 1)}.md`);
      const label = dir === "data-sources" ? `data.${type}` : type;
      if (!existsSync(page)) { mismatches.push({ type: label, argument: "", kind: "doc-missing" }); continue; }
      checked++;
      compareType(label, schema, readFileSync(page, "utf8"), mismatches);
    }
  }
  const index = join(docsRoot, "index.md");
  if (existsSync(index)) {
    checked++;
    compareType("provider", providerSchema.provider, readFileSync(index, "utf8").replace(/^##\s+Configuration Reference/im, "## Argument Reference"), mismatches);
  }
  for (const m of mismatches) {
    const source = locate(locations, m.type, m.argument);
    if (source) m.source = source;
    const explanation = known[`${m.type} ${m.argument}`.trim()];
    if (explanation) m.explanation = explanation;
  }
  const byKind = {};
  for (const m of mismatches) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
  return { pages_checked: checked, summary: { total: mismatches.length, by_kind: byKind }, mismatches };
}

/** Markdown rendering of the report written next to schema.json. */
export function renderDocsReport(report) {
  const lines = [
    "# terraform-provider-openstack: derived schema vs. docs",
    "",
    `Provider version ${report.provider_version}, source commit \`${report.source_commit}\`.`,
    "Generated by `scripts/derive-provider-schema.mjs`; do not edit by hand.",
    "",
  ];
  const docs = report.docs;
  if (!docs) lines.push("The docs directory was not found; no comparison was made.", "");
  else {
    const needing = docs.mismatches.filter((m) => KINDS_NEEDING_EXPLANATION.includes(m.kind));
    const explained = needing.filter((m) => m.explanation).length;
    lines.push(`${docs.pages_checked} documentation pages checked; ${docs.summary.total} findings.`);
    lines.push(`${needing.length} of them are of a kind that needs a reviewed explanation (${KINDS_NEEDING_EXPLANATION.join(", ")}); ${explained} have one (docs-known-mismatches.json), ${needing.length - explained} are unexplained. The rest are informational.`, "");
    lines.push("| kind | count | meaning |", "|---|---|---|");
    for (const [kind, meaning] of Object.entries(MISMATCH_KINDS)) {
      lines.push(`| ${kind} | ${docs.summary.by_kind[kind] ?? 0} | ${meaning} |`);
    }
    lines.push("");
    for (const kind of Object.keys(MISMATCH_KINDS)) {
      const items = docs.mismatches.filter((m) => m.kind === kind);
      if (!items.length) continue;
      lines.push(`## ${kind} (${items.length})`, "");
      for (const m of items) {
        const detail = [m.docs && `docs: ${m.docs}`, m.schema && `schema: ${m.schema}`, m.source && `source: ${m.source}`].filter(Boolean).join("; ");
        lines.push(`- \`${m.type}\`${m.argument ? ` \`${m.argument}\`` : ""}${detail ? ` — ${detail}` : ""}`);
        if (m.explanation) lines.push(`  - ${m.explanation}`);
      }
      lines.push("");
    }
  }
  lines.push(`## Derivation notes (${report.derivation_notes.length})`, "");
  if (!report.derivation_notes.length) lines.push("Every schema value in the source was resolved.", "");
  else {
    lines.push("Values the derivation could not resolve or statements it skipped (schema fields not affected unless stated):", "");
    for (const n of report.derivation_notes) lines.push(`- ${n.kind} at ${n.where}: ${n.detail}`);
    lines.push("");
  }
  return lines.join("\n");
}
