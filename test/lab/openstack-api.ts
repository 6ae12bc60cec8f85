// A small OpenStack REST client for tests: one Keystone login, then GET/POST by service type
// through the catalog. Tests read the cloud through this (one process, no `openstack` CLI start-up
// per call). Every request sends `Connection: close`: uwsgi's --http-socket resets the first
// POST sent on a kept-alive connection after a GET.
import { request as httpRequest } from "node:http";

export interface Credentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  region: string;
  userDomainName?: string;
  projectDomainName?: string;
}

export interface HttpResult<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export function httpCall<T = any>(method: string, url: string, options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResult<T>> {
  return new Promise((resolve, reject) => {
    const data = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(url, {
      method,
      agent: false,
      timeout: options.timeoutMs ?? 30_000,
      headers: {
        Connection: "close",
        Accept: "application/json",
        ...(data !== undefined ? { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(data)) } : {}),
        ...options.headers,
      },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        let body: any;
        try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within ${options.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

interface CatalogEntry { type: string; name: string; endpoints: { interface: string; region_id: string; region: string; url: string }[] }

export class OpenStackApi {
  token = "";
  catalog: CatalogEntry[] = [];
  constructor(readonly credentials: Credentials) {}

  /** Password login scoped to the project; returns the HTTP status (201 on success) without throwing. */
  static async tryLogin(credentials: Credentials): Promise<{ status: number; api?: OpenStackApi }> {
    const api = new OpenStackApi(credentials);
    const status = await api.login(false);
    return status === 201 ? { status, api } : { status };
  }

  async login(throwOnFailure = true): Promise<number> {
    const c = this.credentials;
    const r = await httpCall("POST", `${c.authUrl.replace(/\/$/, "").replace(/\/v3$/, "")}/v3/auth/tokens`, {
      body: {
        auth: {
          identity: { methods: ["password"], password: { user: { name: c.username, domain: { name: c.userDomainName ?? "Default" }, password: c.password } } },
          scope: { project: { name: c.projectName, domain: { name: c.projectDomainName ?? "Default" } } },
        },
      },
    });
    if (r.status !== 201) {
      if (throwOnFailure) throw new Error(`Keystone login as ${c.username} failed: HTTP ${r.status}`);
      return r.status;
    }
    this.token = String(r.headers["x-subject-token"]);
    this.catalog = r.body.token.catalog;
    return r.status;
  }

  /** The public endpoint of a service type in the credentials' region, or undefined when the catalog has none. */
  endpoint(type: string): string | undefined {
    const entry = this.catalog.find((c) => c.type === type);
    return entry?.endpoints.find((e) => e.interface === "public" && (e.region_id ?? e.region) === this.credentials.region)?.url;
  }

  async call<T = any>(method: string, type: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const base = this.endpoint(type);
    if (!base) throw new Error(`no ${type} endpoint in the catalog`);
    return httpCall<T>(method, `${base.replace(/\/$/, "")}${path}`, { body, headers: { "X-Auth-Token": this.token, ...headers } });
  }

  async get<T = any>(type: string, path: string, headers: Record<string, string> = {}): Promise<T> {
    const r = await this.call<T>("GET", type, path, undefined, headers);
    if (r.status >= 300) throw new Error(`GET ${type} ${path}: HTTP ${r.status}: ${r.text.slice(0, 200)}`);
    return r.body;
  }

  async computeServices(): Promise<{ binary: string; host: string; state: string; status: string }[]> {
    return (await this.get("compute", "/os-services")).services;
  }

  async hypervisors(): Promise<{ hypervisor_hostname: string; state: string; status: string }[]> {
    return (await this.get("compute", "/os-hypervisors", { "OpenStack-API-Version": "compute 2.53" })).hypervisors;
  }

  async networkAgents(): Promise<{ agent_type: string; host: string; alive: boolean; binary: string }[]> {
    return (await this.get("network", "/v2.0/agents")).agents;
  }

  async flavors(): Promise<{ name: string; vcpus: number; ram: number; disk: number }[]> {
    return (await this.get("compute", "/flavors/detail?is_public=None")).flavors;
  }

  async volumeServices(): Promise<{ binary: string; host: string; state: string }[]> {
    return (await this.get("volumev3", "/os-services")).services;
  }
}
