/**
 * A thin Salesforce REST client: SOQL queries (all pages), composite batches, sObject collections and
 * row reads and updates, over `fetch` with a bearer token. It counts calls so the engine
 * and the benchmark can report Salesforce API use. Build one from an `sf` org connection with
 * `salesforceClientFrom(connection)` or from an instance URL and access token.
 */
import { SyncError } from '../core/errors.js';
import { accessFix, accessProblemOf, type AccessProblem } from './access.js';

export const DEFAULT_API_VERSION = '62.0';
/** Query operations Salesforce accepts in one composite request (REST API Developer Guide, "Composite"). */
const MAX_COMPOSITE_QUERIES = 5;

export interface SalesforceClientOptions {
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly apiVersion?: string;
  /** Called on 401 to get a fresh access token (long-running relay). */
  readonly refreshAccessToken?: () => Promise<string>;
}

export interface SalesforceErrorBody {
  readonly errorCode?: string;
  readonly message?: string;
  readonly fields?: readonly string[];
}

/** A Salesforce API failure: the HTTP status and Salesforce's `[{ errorCode, message, fields }]`. */
export class SalesforceApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly SalesforceErrorBody[],
  ) {
    super(errors.map((e) => `${e.errorCode ?? 'ERROR'}: ${e.message ?? ''}`).join('; ') || `HTTP ${status}`);
    this.name = 'SalesforceApiError';
  }

  /** The permission the error says the sync user lacks, if it is an access error. */
  get accessProblem(): AccessProblem | undefined {
    const first = this.errors[0];
    return accessProblemOf(first?.errorCode, first?.message ?? '', first?.fields ?? []);
  }

  /** The failure as a Sync Record's error; an access error names the permission, the permission set and `user`. */
  toSyncError(record: { id: string; type: string }, user = 'the sync user'): SyncError {
    const access = this.accessProblem;
    if (access) {
      return new SyncError(`The sync user ${user} lacks ${access.permission}. Salesforce said: ${this.message}`, {
        kind: 'salesforce',
        record,
        ...(access.object && access.field ? { field: `${access.object}.${access.field}` } : {}),
        fix: accessFix(access, user),
      });
    }
    const field = this.errors[0]?.fields?.[0];
    return new SyncError(this.message, {
      kind: 'salesforce',
      record,
      ...(field ? { field } : {}),
      fix: "Check the relay user's access to the record and field Salesforce names; the sync is retried automatically.",
      retryable:
        this.status >= 500 ||
        this.errors.some((e) => e.errorCode === 'UNABLE_TO_LOCK_ROW' || e.errorCode === 'REQUEST_LIMIT_EXCEEDED'),
    });
  }
}

export interface QueryResult<T> {
  readonly totalSize: number;
  readonly done: boolean;
  readonly records: T[];
  readonly nextRecordsUrl?: string;
}

export interface CollectionResult {
  readonly id?: string;
  readonly success: boolean;
  readonly created?: boolean;
  readonly errors: readonly SalesforceErrorBody[];
}

export interface CompositeSubrequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly referenceId: string;
  readonly body?: unknown;
}

export interface CompositeSubresponse {
  readonly body: unknown;
  readonly httpStatusCode: number;
  readonly referenceId: string;
}

export class SalesforceClient {
  /** Salesforce API calls made by this client (each HTTP request counts once, as Salesforce counts them). */
  calls = 0;
  /** The org's daily API usage as the last response's `Sforce-Limit-Info: api-usage=N/M` header reported it. */
  private apiUsage: { used: number; max: number } | undefined;
  private user: string | undefined;
  readonly instanceUrl: string;
  readonly apiVersion: string;
  private accessToken: string;

  constructor(private readonly options: SalesforceClientOptions) {
    this.instanceUrl = options.instanceUrl.replace(/\/$/, '');
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.accessToken = options.accessToken;
  }

  /** The session in use: the Pub/Sub API client authenticates with the same one. */
  get session(): { readonly instanceUrl: string; readonly accessToken: string } {
    return { instanceUrl: this.instanceUrl, accessToken: this.accessToken };
  }

  /** Gets a fresh access token after the session expired; false when this client cannot. */
  async refreshSession(): Promise<boolean> {
    if (!this.options.refreshAccessToken) return false;
    this.accessToken = await this.options.refreshAccessToken();
    return true;
  }

  /** `/services/data/vXX.X` */
  get basePath(): string {
    return `/services/data/v${this.apiVersion}`;
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const send = () =>
      fetch(`${this.instanceUrl}${path.startsWith('/services/') ? path : `${this.basePath}${path}`}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.accessToken}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    this.calls++;
    let response = await send();
    if (response.status === 401 && this.options.refreshAccessToken) {
      this.accessToken = await this.options.refreshAccessToken();
      this.calls++;
      response = await send();
    }
    this.noteApiUsage(response.headers.get('sforce-limit-info'));
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok && response.status !== 304) {
      throw new SalesforceApiError(
        response.status,
        Array.isArray(parsed) ? (parsed as SalesforceErrorBody[]) : [{ message: text }],
      );
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** Every record of a query, following `nextRecordsUrl`. */
  async query<T>(soql: string): Promise<T[]> {
    return this.allRecords((await this.request<QueryResult<T>>('GET', `/query?q=${encodeURIComponent(soql)}`)).body);
  }

  /**
   * Every record of a query result — a whole query's or a parent row's subquery (`OrderItems`), which
   * Salesforce pages too — following `nextRecordsUrl`; each further page is one more call.
   */
  async allRecords<T>(first: QueryResult<T>): Promise<T[]> {
    const records = [...first.records];
    let page = first;
    while (!page.done && page.nextRecordsUrl) {
      page = (await this.request<QueryResult<T>>('GET', page.nextRecordsUrl)).body;
      records.push(...page.records);
    }
    return records;
  }

  /** Several queries (≤ 5, Salesforce's limit per `composite` call) in one call; each answer's records by reference id. */
  async queries(soql: Readonly<Record<string, string>>): Promise<Record<string, Record<string, unknown>[]>> {
    const answers = await this.composite(this.queryRequests(soql), false);
    for (const sub of answers)
      if (sub.httpStatusCode >= 400)
        throw new SalesforceApiError(sub.httpStatusCode, sub.body as SalesforceErrorBody[]);
    return this.queryRecords(Object.fromEntries(answers.map((a) => [a.referenceId, a.body])));
  }

  /**
   * Queries as `composite` sub-requests, to ride along with other sub-requests (referenceId → SOQL).
   * Salesforce takes at most 5 query operations per composite request (REST API Developer Guide, "Composite").
   */
  queryRequests(soql: Readonly<Record<string, string>>): CompositeSubrequest[] {
    const entries = Object.entries(soql);
    if (entries.length > MAX_COMPOSITE_QUERIES)
      throw new Error(
        `A composite request holds at most ${MAX_COMPOSITE_QUERIES} queries; ${entries.length} were given (${entries.map(([id]) => id).join(', ')}).`,
      );
    return entries.map(([referenceId, q]) => ({
      method: 'GET',
      url: `${this.basePath}/query?q=${encodeURIComponent(q)}`,
      referenceId,
    }));
  }

  /** The records of query answers (`composite` sub-responses' bodies, by reference id), every page read. */
  async queryRecords(answers: Readonly<Record<string, unknown>>): Promise<Record<string, Record<string, unknown>[]>> {
    const results: Record<string, Record<string, unknown>[]> = {};
    for (const [referenceId, body] of Object.entries(answers))
      results[referenceId] = await this.allRecords(body as QueryResult<Record<string, unknown>>);
    return results;
  }

  /**
   * Sub-requests in one `composite` call (≤ 25, one API call). With `allOrNone` they run in one transaction:
   * the first failure rolls back all and the rest answer PROCESSING_HALTED. Every answer, by position.
   */
  async composite(
    compositeRequest: readonly CompositeSubrequest[],
    allOrNone: boolean,
  ): Promise<CompositeSubresponse[]> {
    const { body } = await this.request<{ compositeResponse: CompositeSubresponse[] }>('POST', '/composite', {
      allOrNone,
      compositeRequest,
    });
    return body.compositeResponse;
  }

  /** Updates up to 200 records per call (`composite/sobjects`, PATCH). */
  async updateRecords(records: readonly Record<string, unknown>[], allOrNone = false): Promise<CollectionResult[]> {
    return this.inBatches(records, (batch) =>
      this.request<CollectionResult[]>('PATCH', '/composite/sobjects', { allOrNone, records: batch }),
    );
  }

  /** Upserts up to 200 records per call by an external id field. */
  async upsertRecords(
    sobject: string,
    externalIdField: string,
    records: readonly Record<string, unknown>[],
    allOrNone = false,
  ): Promise<CollectionResult[]> {
    return this.inBatches(records, (batch) =>
      this.request<CollectionResult[]>('PATCH', `/composite/sobjects/${sobject}/${externalIdField}`, {
        allOrNone,
        records: batch,
      }),
    );
  }

  /**
   * Percentage of the org's daily API allowance used so far, from the `Sforce-Limit-Info` header Salesforce
   * sends on every REST response (REST API Guide, "Limit Info Header"): no extra call, and no View Setup and
   * Configuration permission, which `/limits` needs. Before any response it asks for the version list's
   * resources (`GET /services/data/vXX.X`), the cheapest call that carries the header.
   */
  async dailyApiUsagePercent(): Promise<number> {
    if (!this.apiUsage) await this.request('GET', this.basePath);
    const usage = this.apiUsage;
    return usage && usage.max > 0 ? (usage.used / usage.max) * 100 : 0;
  }

  private noteApiUsage(header: string | null): void {
    const match = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
    if (match) this.apiUsage = { used: Number(match[1]), max: Number(match[2]) };
  }

  /** The session's username (OpenID Connect UserInfo), fetched once. */
  async username(): Promise<string> {
    this.user ??=
      (await this.request<{ preferred_username?: string }>('GET', '/services/oauth2/userinfo')).body
        .preferred_username ?? 'the sync user';
    return this.user;
  }

  /** Number of records a query matches (`SELECT COUNT() …`). */
  async count(soql: string): Promise<number> {
    return (await this.request<QueryResult<never>>('GET', `/query?q=${encodeURIComponent(soql)}`)).body.totalSize;
  }

  /** Deletes up to 200 records per call (`composite/sobjects`, DELETE). */
  async deleteRecords(ids: readonly string[]): Promise<CollectionResult[]> {
    const results: CollectionResult[] = [];
    for (let i = 0; i < ids.length; i += 200) {
      results.push(
        ...(
          await this.request<CollectionResult[]>(
            'DELETE',
            `/composite/sobjects?ids=${ids.slice(i, i + 200).join(',')}&allOrNone=false`,
          )
        ).body,
      );
    }
    return results;
  }

  async createRecord(sobject: string, fields: Record<string, unknown>): Promise<string> {
    return (await this.request<{ id: string }>('POST', `/sobjects/${sobject}`, fields)).body.id;
  }

  /** Updates one record. */
  async updateRecord(sobject: string, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.request('PATCH', `/sobjects/${sobject}/${id}`, fields);
  }

  private async inBatches(
    records: readonly Record<string, unknown>[],
    send: (batch: Record<string, unknown>[]) => Promise<{ body: CollectionResult[] }>,
  ): Promise<CollectionResult[]> {
    const results: CollectionResult[] = [];
    for (let i = 0; i < records.length; i += 200) results.push(...(await send(records.slice(i, i + 200))).body);
    return results;
  }
}

/** A client over an `sf` org connection (@salesforce/core `Connection`), refreshing its token through it. */
export function salesforceClientFrom(connection: {
  readonly instanceUrl: string;
  readonly accessToken?: string | null;
  getApiVersion(): string;
  refreshAuth?(): Promise<unknown>;
}): SalesforceClient {
  return new SalesforceClient({
    instanceUrl: connection.instanceUrl,
    accessToken: connection.accessToken ?? '',
    apiVersion: connection.getApiVersion(),
    refreshAccessToken: async () => {
      await connection.refreshAuth?.();
      return connection.accessToken ?? '';
    },
  });
}
