/**
 * Checks of the provisioned cloud through its APIs (not through Terraform's state): the admin
 * credentials authenticate, each user of the identity stack gets exactly the scoped tokens its
 * role assignments give, images are active, servers ACTIVE, Heat stacks complete. Direct REST
 * from TypeScript: one process, no `openstack` CLI start-up per call.
 */

export interface CloudEntry {
  readonly auth: {
    readonly auth_url: string;
    readonly username?: string;
    readonly password?: string;
    readonly project_name?: string;
    readonly user_domain_name?: string;
    readonly project_domain_name?: string;
  };
  readonly region_name?: string;
  readonly interface?: string;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly message?: string;
  readonly durationMs: number;
}

export interface CatalogEndpoint {
  readonly service: string;
  readonly url: string;
}

/** `terraform show -json` of a stack: the resources with their attributes. */
export interface StackState {
  readonly stack: string;
  readonly resources: ReadonlyArray<{ readonly type: string; readonly mode: string; readonly name: string; readonly values: Record<string, unknown> }>;
}

interface Token {
  readonly token: string;
  readonly roles: string[];
  readonly catalog: Array<{ type: string; endpoints: Array<{ interface: string; region?: string; region_id?: string; url: string }> }>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 30_000;

async function request(url: string, init: { method?: string; token?: string; body?: unknown }): Promise<{ status: number; headers: Headers; body: unknown }> {
  // Connection: close: uwsgi's --http-socket resets the first POST after a GET on a kept-alive connection.
  const headers: Record<string, string> = { Accept: "application/json", Connection: "close" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers["X-Auth-Token"] = init.token;
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

function identityBase(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, "");
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

/** A project-scoped token, or an HttpError (401 when Keystone refuses). */
async function projectToken(authUrl: string, user: { name: string; domain: string; password: string }, project: { name: string; domain: string }): Promise<Token> {
  const res = await request(`${identityBase(authUrl)}/auth/tokens`, {
    method: "POST",
    body: {
      auth: {
        identity: { methods: ["password"], password: { user: { name: user.name, domain: { name: user.domain }, password: user.password } } },
        scope: { project: { name: project.name, domain: { name: project.domain } } },
      },
    },
  });
  if (res.status !== 201) throw new HttpError(res.status, `Keystone answered ${res.status}`);
  const token = (res.body as { token: { roles?: Array<{ name: string }>; catalog?: Token["catalog"] } }).token;
  return { token: res.headers.get("x-subject-token") ?? "", roles: (token.roles ?? []).map((r) => r.name).sort(), catalog: token.catalog ?? [] };
}

function endpointOf(token: Token, type: string, iface: string, region?: string): string | undefined {
  const service = token.catalog.find((s) => s.type === type);
  const ep = service?.endpoints.find((e) => e.interface === iface && (!region || (e.region ?? e.region_id) === region)) ?? service?.endpoints.find((e) => e.interface === iface);
  return ep?.url.replace(/\/+$/, "");
}

async function timed(name: string, results: CheckResult[], body: () => Promise<string | undefined>): Promise<void> {
  const started = Date.now();
  try {
    const message = await body();
    results.push({ name, ok: true, message, durationMs: Date.now() - started });
  } catch (err) {
    // fetch reports network failures as "fetch failed" with the reason in `cause`.
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    const message = cause ? `${(err as Error).message}: ${cause.code ?? cause.message}` : (err as Error).message;
    results.push({ name, ok: false, message, durationMs: Date.now() - started });
  }
}

function resourcesOf(states: readonly StackState[], type: string, mode = "managed") {
  return states.flatMap((s) => s.resources.filter((r) => r.type === type && r.mode === mode).map((r) => ({ stack: s.stack, ...r })));
}

export interface CheckInput {
  readonly cloud: CloudEntry;
  readonly states: readonly StackState[];
  /** Passwords the pipeline gave the stacks' user variables, by user name. */
  readonly userPasswords: ReadonlyMap<string, string>;
}

/** Runs every check that applies to what was deployed; never throws. */
export async function checkCloud(input: CheckInput): Promise<{ results: CheckResult[]; endpoints: CatalogEndpoint[] }> {
  const results: CheckResult[] = [];
  const { auth } = input.cloud;
  const iface = input.cloud.interface ?? "public";
  let admin: Token | undefined;
  await timed(`keystone: ${auth.username ?? "admin"} gets a token for project ${auth.project_name ?? "admin"}`, results, async () => {
    admin = await projectToken(
      auth.auth_url,
      { name: auth.username ?? "admin", domain: auth.user_domain_name ?? "Default", password: auth.password ?? "" },
      { name: auth.project_name ?? "admin", domain: auth.project_domain_name ?? "Default" },
    );
    return `roles ${admin.roles.join(", ")}`;
  });
  if (!admin) return { results, endpoints: [] };
  const endpoints = admin.catalog
    .map((s) => ({ service: s.type, url: endpointOf(admin!, s.type, iface, input.cloud.region_name) ?? "" }))
    .filter((e) => e.url)
    .sort((a, b) => a.service.localeCompare(b.service));

  // Identity: every user with a known password, against every project of the stacks.
  // Keystone keeps a domain as a project with is_domain (the provider has no domain resource).
  const allProjects = resourcesOf(input.states, "openstack_identity_project_v3");
  const domains = new Map(allProjects.filter((p) => p.values.is_domain === true).map((d) => [d.values.id as string, d.values.name as string]));
  const domainName = (id: unknown) => (typeof id === "string" && domains.get(id)) || "Default";
  const projects = allProjects
    .filter((p) => p.values.is_domain !== true)
    .map((p) => ({ id: p.values.id as string, name: p.values.name as string, domain: domainName(p.values.domain_id) }));
  const roleNames = new Map(resourcesOf(input.states, "openstack_identity_role_v3", "data").map((r) => [r.values.id as string, r.values.name as string]));
  for (const r of resourcesOf(input.states, "openstack_identity_role_v3")) roleNames.set(r.values.id as string, r.values.name as string);
  const assignments = resourcesOf(input.states, "openstack_identity_role_assignment_v3").map((a) => a.values);
  for (const user of resourcesOf(input.states, "openstack_identity_user_v3")) {
    const name = user.values.name as string;
    const password = input.userPasswords.get(name);
    if (!password) continue;
    for (const project of projects) {
      const expected = assignments
        .filter((a) => a.user_id === user.values.id && a.project_id === project.id)
        .map((a) => roleNames.get(a.role_id as string) ?? String(a.role_id))
        .sort();
      const what = expected.length ? `gets a token scoped to ${project.name} (${expected.join(", ")})` : `is refused a token for ${project.name}`;
      await timed(`identity: ${name} ${what}`, results, async () => {
        try {
          const token = await projectToken(auth.auth_url, { name, domain: domainName(user.values.domain_id), password }, project);
          if (!expected.length) throw new Error(`got a token for ${project.name} with roles ${token.roles.join(", ")}`);
          const missing = expected.filter((r) => !token.roles.includes(r));
          if (missing.length) throw new Error(`token for ${project.name} lacks role(s) ${missing.join(", ")} (has ${token.roles.join(", ")})`);
          // Implied roles (admin → member → reader) may come along; admin only when granted.
          if (!expected.includes("admin") && token.roles.includes("admin")) throw new Error(`token for ${project.name} carries admin, which was not granted`);
          return `roles ${token.roles.join(", ")}`;
        } catch (err) {
          if (!expected.length && err instanceof HttpError && err.status === 401) return "401 as expected";
          throw err;
        }
      });
    }
  }

  const get = async (type: string, pathname: string): Promise<Record<string, unknown>> => {
    const base = endpointOf(admin!, type, iface, input.cloud.region_name);
    if (!base) throw new Error(`no ${type} endpoint in the catalog`);
    const res = await request(`${base}${pathname}`, { token: admin!.token });
    if (res.status !== 200) throw new Error(`GET ${type} ${pathname}: ${res.status}`);
    return res.body as Record<string, unknown>;
  };
  for (const image of resourcesOf(input.states, "openstack_images_image_v2")) {
    await timed(`image ${image.values.name} is active`, results, async () => {
      const body = await get("image", `/v2/images/${image.values.id}`);
      if (body.status !== "active") throw new Error(`status ${body.status}`);
      return undefined;
    });
  }
  for (const server of resourcesOf(input.states, "openstack_compute_instance_v2")) {
    await timed(`server ${server.values.name} is ACTIVE`, results, async () => {
      const body = (await get("compute", `/servers/${server.values.id}`)).server as Record<string, unknown>;
      if (body.status !== "ACTIVE") throw new Error(`status ${body.status}`);
      return undefined;
    });
  }
  for (const stack of resourcesOf(input.states, "openstack_orchestration_stack_v1")) {
    await timed(`Heat stack ${stack.values.name} is complete`, results, async () => {
      const body = (await get("orchestration", `/stacks/${stack.values.name}/${stack.values.id}`)).stack as Record<string, unknown>;
      if (!/^(CREATE|UPDATE)_COMPLETE$/.test(String(body.stack_status))) throw new Error(`status ${body.stack_status}: ${body.stack_status_reason ?? ""}`);
      return undefined;
    });
  }
  return { results, endpoints };
}

const xml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A JUnit XML report (what CI systems show as test results). */
export function junitReport(suite: string, results: readonly CheckResult[]): string {
  const failures = results.filter((r) => !r.ok).length;
  const total = results.reduce((s, r) => s + r.durationMs, 0) / 1000;
  const cases = results.map((r) => {
    const head = `    <testcase classname="${xml(suite)}" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    return r.ok ? `${head}/>` : `${head}>\n      <failure message="${xml(r.message ?? "failed")}"/>\n    </testcase>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites tests="${results.length}" failures="${failures}" time="${total.toFixed(3)}">`,
    `  <testsuite name="${xml(suite)}" tests="${results.length}" failures="${failures}" errors="0" time="${total.toFixed(3)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
