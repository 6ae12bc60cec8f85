import * as fs from "node:fs";
import YAML from "yaml";
import { RdoctlError } from "../errors";

/**
 * The few OpenStack API calls day-2 commands make, with the admin credentials `rdoctl install`
 * collected (the cloud's clouds.yaml). Every request sends `Connection: close` (uwsgi's
 * --http-socket resets a POST sent on a kept-alive connection after a GET).
 */

export interface AdminCredentials {
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  readonly userDomainName: string;
  readonly projectDomainName: string;
  readonly region?: string;
}

/** The cloud's entry of the clouds.yaml that `rdoctl install`'s collect phase wrote. */
export function readAdminCredentials(file: string, cloud: string): AdminCredentials {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new RdoctlError(`${file}: no admin credentials for cloud ${cloud}; \`rdoctl install\` writes them in its collect phase (run it first)`);
  }
  const entry = (YAML.parse(text) as { clouds?: Record<string, { auth?: Record<string, string>; region_name?: string }> } | null)?.clouds?.[cloud];
  const auth = entry?.auth;
  if (!auth?.auth_url || !auth.username || !auth.password || !auth.project_name) {
    throw new RdoctlError(`${file}: clouds.${cloud} lacks auth_url, username, password or project_name; rerun \`rdoctl install --from collect\``);
  }
  return {
    authUrl: auth.auth_url,
    username: auth.username,
    password: auth.password,
    projectName: auth.project_name,
    userDomainName: auth.user_domain_name ?? "Default",
    projectDomainName: auth.project_domain_name ?? "Default",
    region: entry?.region_name,
  };
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
}

interface CatalogEntry {
  readonly type: string;
  readonly endpoints: ReadonlyArray<{ interface: string; region?: string; region_id?: string; url: string }>;
}

const TIMEOUT_MS = 60_000;

async function call(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const all: Record<string, string> = { Accept: "application/json", Connection: "close", ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(url, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RdoctlError(`${method} ${url}: no answer (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A project-scoped admin session: one Keystone login, then calls by service type. */
export class OpenStackSession {
  private constructor(
    private readonly token: string,
    private readonly catalog: readonly CatalogEntry[],
    private readonly region: string | undefined,
  ) {}

  static async login(c: AdminCredentials): Promise<OpenStackSession> {
    const base = c.authUrl.replace(/\/+$/, "").replace(/\/v3$/, "");
    const res = await call("POST", `${base}/v3/auth/tokens`, {}, {
      auth: {
        identity: { methods: ["password"], password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } } },
        scope: { project: { name: c.projectName, domain: { name: c.projectDomainName } } },
      },
    });
    if (res.status !== 201) throw new RdoctlError(`Keystone at ${c.authUrl} refused the admin login (HTTP ${res.status}); check the cloud's clouds.yaml`);
    return new OpenStackSession(res.headers.get("x-subject-token") ?? "", res.body?.token?.catalog ?? [], c.region);
  }

  endpoint(type: string): string {
    const entry = this.catalog.find((e) => e.type === type);
    const ep =
      entry?.endpoints.find((e) => e.interface === "public" && (!this.region || (e.region_id ?? e.region) === this.region)) ??
      entry?.endpoints.find((e) => e.interface === "public");
    if (!ep) throw new RdoctlError(`the cloud's catalog has no public ${type} endpoint`);
    return ep.url.replace(/\/+$/, "");
  }

  async request<T = any>(method: string, type: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await call(method, `${this.endpoint(type)}${path}`, { "X-Auth-Token": this.token, ...headers }, body);
    return { status: res.status, body: res.body as T, text: res.text };
  }

  /** Like request, but a status outside 2xx (and `allow`) is an error naming the call. */
  async must<T = any>(method: string, type: string, path: string, body?: unknown, headers: Record<string, string> = {}, allow: readonly number[] = []): Promise<ApiResponse<T>> {
    const res = await this.request<T>(method, type, path, body, headers);
    if ((res.status < 200 || res.status >= 300) && !allow.includes(res.status)) {
      throw new RdoctlError(`${method} ${type} ${path}: HTTP ${res.status}: ${res.text.replace(/\s+/g, " ").slice(0, 300)}`);
    }
    return res;
  }
}
