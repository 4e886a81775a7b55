/**
 * The product's Salesforce client: SOQL queries (all pages), composite batches, sObject collections and
 * row writes, as a thin domain layer on a jsforce `Connection` — the one @salesforce/core's `Connection`
 * extends, so an `sf` org's connection serves as well as a bare session. Every HTTP request goes through
 * `send`, which counts it (a composite request is one; a retry after a session refresh is one more) so the
 * engine, the relay's metrics and the benchmarks report Salesforce API use from one counter.
 */
import { Connection, type HttpRequest, type HttpRequestOptions } from '@jsforce/jsforce-node';
import { SyncError } from '../core/errors.js';
import { accessFix, accessProblemOf, type AccessProblem } from './access.js';

export const DEFAULT_API_VERSION = '62.0';
/** Query operations Salesforce accepts in one composite request (REST API Developer Guide, "Composite"). */
const MAX_COMPOSITE_QUERIES = 5;
/** Records per sObject Collections call (REST API Developer Guide, "sObject Collections"). */
const MAX_COLLECTION_RECORDS = 200;

/** A session to build a client on: a test's emulator token, or the relay's sign-in (auth.ts). */
export interface SalesforceSessionOptions {
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly apiVersion?: string;
  /** Signs in again when Salesforce answers 401 INVALID_SESSION_ID (long-running relay); the new token. */
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

/** jsforce's transport retries some statuses on its own; the product's retries are its own and counted. */
const NO_TRANSPORT_RETRIES = { retry: { maxRetries: 0, methods: [] } };

export class SalesforceClient {
  /** Salesforce API calls made by this client (each HTTP request counts once, as Salesforce counts them). */
  calls = 0;
  private user: string | undefined;

  /**
   * @param renew how `refreshSession` gets a fresh token; without it the session cannot be renewed.
   */
  private constructor(
    private readonly connection: Connection,
    private readonly renew?: (client: SalesforceClient) => Promise<void>,
  ) {}

  /**
   * A client on a bare session (an instance URL and access token), with the sign-in that renews it. A plain
   * jsforce Connection: @salesforce/core's would need an AuthInfo, which looks the user up (a call) and
   * reads the CLI's state files — neither of which a session needs.
   */
  static fromSession(options: SalesforceSessionOptions): SalesforceClient {
    const { refreshAccessToken } = options;
    const connection = new Connection({
      instanceUrl: options.instanceUrl.replace(/\/$/, ''),
      accessToken: options.accessToken,
      version: options.apiVersion ?? DEFAULT_API_VERSION,
      // jsforce calls it on a 401 INVALID_SESSION_ID, then retries the request with the new token.
      ...(refreshAccessToken
        ? {
            refreshFn: (_: unknown, done: (error: Error | null, token?: string) => void) =>
              void refreshAccessToken().then(
                (token) => done(null, token),
                (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
              ),
          }
        : {}),
    });
    return new SalesforceClient(
      connection,
      refreshAccessToken &&
        (async () => {
          connection.accessToken = await refreshAccessToken();
        }),
    );
  }

  /**
   * A client on an `sf` org's connection (@salesforce/core), whose AuthInfo renews the session: a request
   * on an expired session has jsforce refresh it first (what `Connection.refreshAuth` does, counted here).
   */
  static fromConnection(connection: Connection): SalesforceClient {
    return new SalesforceClient(connection, async (client) => {
      await client.send('GET', client.basePath);
    });
  }

  get instanceUrl(): string {
    return this.connection.instanceUrl;
  }

  get apiVersion(): string {
    return this.connection.version;
  }

  /** The session in use: the Pub/Sub API client authenticates with the same one. */
  get session(): { readonly instanceUrl: string; readonly accessToken: string } {
    return { instanceUrl: this.connection.instanceUrl, accessToken: this.connection.accessToken ?? '' };
  }

  /** Gets a fresh access token after the session expired; false when this client cannot. */
  async refreshSession(): Promise<boolean> {
    if (!this.renew) return false;
    await this.renew(this);
    return true;
  }

  /** `/services/data/vXX.X` */
  get basePath(): string {
    return `/services/data/v${this.apiVersion}`;
  }

  /**
   * One REST request through the connection — a path under `/services/`, or relative to `basePath` — and
   * the one place calls are counted: every HTTP request jsforce sends for it, a retry after a session
   * refresh included. Salesforce's errors become a SalesforceApiError with the HTTP status.
   */
  private async send<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    let status = 0;
    const transport = this.connection._transport;
    const counted = {
      httpRequest: (request: HttpRequest, options?: HttpRequestOptions) => {
        this.calls++;
        const sent = transport.httpRequest(request, options);
        sent.then(
          (response) => (status = response.statusCode),
          () => undefined,
        );
        return sent;
      },
    };
    try {
      return await this.connection.request<T>(
        {
          method,
          url: path,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        },
        { transport: counted, ...NO_TRANSPORT_RETRIES },
      );
    } catch (error) {
      throw status >= 400 && isHttpApiError(error) ? apiErrorOf(status, error) : error;
    }
  }

  /** Every record of a query, following `nextRecordsUrl`. */
  async query<T>(soql: string): Promise<T[]> {
    return this.allRecords(await this.send<QueryResult<T>>('GET', `/query?q=${encodeURIComponent(soql)}`));
  }

  /**
   * Every record of a query result — a whole query's or a parent row's subquery (`OrderItems`), which
   * Salesforce pages too — following `nextRecordsUrl`; each further page is one more call.
   */
  async allRecords<T>(first: QueryResult<T>): Promise<T[]> {
    const records = [...first.records];
    let page = first;
    while (!page.done && page.nextRecordsUrl) {
      page = await this.send<QueryResult<T>>('GET', page.nextRecordsUrl);
      records.push(...page.records);
    }
    return records;
  }

  /** Several queries in as few calls as Salesforce allows (5 per `composite`); each answer's records by reference id. */
  async queries(soql: Readonly<Record<string, string>>): Promise<Record<string, Record<string, unknown>[]>> {
    return this.queryRecords(await this.queryAnswers(soql));
  }

  /**
   * Several queries in one `composite` call per 5 (Salesforce's limit), the calls sent together; each
   * answer's first page by reference id — a `SELECT COUNT()` query's count is its `totalSize`.
   */
  async queryAnswers(
    soql: Readonly<Record<string, string>>,
  ): Promise<Record<string, QueryResult<Record<string, unknown>>>> {
    const entries = Object.entries(soql);
    const batches: Record<string, string>[] = [];
    for (let i = 0; i < entries.length; i += MAX_COMPOSITE_QUERIES)
      batches.push(Object.fromEntries(entries.slice(i, i + MAX_COMPOSITE_QUERIES)));
    const answers = (
      await Promise.all(batches.map((batch) => this.composite(this.queryRequests(batch), false)))
    ).flat();
    for (const sub of answers)
      if (sub.httpStatusCode >= 400)
        throw new SalesforceApiError(sub.httpStatusCode, sub.body as SalesforceErrorBody[]);
    return Object.fromEntries(answers.map((a) => [a.referenceId, a.body as QueryResult<Record<string, unknown>>]));
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
    const answer = await this.send<{ compositeResponse: CompositeSubresponse[] }>('POST', '/composite', {
      allOrNone,
      compositeRequest,
    });
    return answer.compositeResponse;
  }

  /** Creates up to 200 records of one sObject per call (`composite/sobjects`, POST). */
  async createRecords(
    sobject: string,
    records: readonly Record<string, unknown>[],
    allOrNone = false,
  ): Promise<CollectionResult[]> {
    return this.inBatches(records, (batch) =>
      this.send<CollectionResult[]>('POST', '/composite/sobjects', {
        allOrNone,
        records: batch.map((fields) => ({ attributes: { type: sobject }, ...fields })),
      }),
    );
  }

  /** Updates up to 200 records per call (`composite/sobjects`, PATCH). */
  async updateRecords(records: readonly Record<string, unknown>[], allOrNone = false): Promise<CollectionResult[]> {
    return this.inBatches(records, (batch) =>
      this.send<CollectionResult[]>('PATCH', '/composite/sobjects', { allOrNone, records: batch }),
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
      this.send<CollectionResult[]>('PATCH', `/composite/sobjects/${sobject}/${externalIdField}`, {
        allOrNone,
        records: batch,
      }),
    );
  }

  /** Deletes up to 200 records per call (`composite/sobjects`, DELETE). */
  async deleteRecords(ids: readonly string[]): Promise<CollectionResult[]> {
    return this.inBatches(ids, (batch) =>
      this.send<CollectionResult[]>('DELETE', `/composite/sobjects?ids=${batch.join(',')}&allOrNone=false`),
    );
  }

  /**
   * Percentage of the org's daily API allowance used so far, from the `Sforce-Limit-Info` header Salesforce
   * sends on every REST response (REST API Guide, "Limit Info Header"), which jsforce keeps as the
   * connection's `limitInfo`: no extra call, and no View Setup and Configuration permission, which `/limits`
   * needs. Before any response it asks for the version's resources (`GET /services/data/vXX.X`), the
   * cheapest call that carries the header.
   */
  async dailyApiUsagePercent(): Promise<number> {
    if (!this.connection.limitInfo.apiUsage) await this.send('GET', this.basePath);
    const usage = this.connection.limitInfo.apiUsage;
    return usage && usage.limit > 0 ? (usage.used / usage.limit) * 100 : 0;
  }

  /** The session's username (OpenID Connect UserInfo), fetched once. */
  async username(): Promise<string> {
    this.user ??=
      (await this.send<{ preferred_username?: string }>('GET', '/services/oauth2/userinfo')).preferred_username ??
      'the sync user';
    return this.user;
  }

  /** Number of records a query matches (`SELECT COUNT() …`). */
  async count(soql: string): Promise<number> {
    return (await this.send<QueryResult<never>>('GET', `/query?q=${encodeURIComponent(soql)}`)).totalSize;
  }

  async createRecord(sobject: string, fields: Record<string, unknown>): Promise<string> {
    return (await this.send<{ id: string }>('POST', `/sobjects/${sobject}`, fields)).id;
  }

  /** Updates one record. */
  async updateRecord(sobject: string, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.send('PATCH', `/sobjects/${sobject}/${id}`, fields);
  }

  /** Deletes one record. */
  async deleteRecord(sobject: string, id: string): Promise<void> {
    await this.send('DELETE', `/sobjects/${sobject}/${id}`);
  }

  private async inBatches<T>(
    items: readonly T[],
    send: (batch: T[]) => Promise<CollectionResult[]>,
  ): Promise<CollectionResult[]> {
    const results: CollectionResult[] = [];
    for (let i = 0; i < items.length; i += MAX_COLLECTION_RECORDS)
      results.push(...(await send(items.slice(i, i + MAX_COLLECTION_RECORDS))));
    return results;
  }
}

/** jsforce's error for an HTTP error response: Salesforce's error (or errors) as `data`. */
interface HttpApiError {
  readonly errorCode: string;
  readonly message: string;
  readonly data?: unknown;
}

function isHttpApiError(error: unknown): error is HttpApiError {
  return error instanceof Error && typeof (error as Partial<HttpApiError>).errorCode === 'string';
}

/** Salesforce's `[{ errorCode, message, fields }]` back from jsforce's error: one error, several, or a bare body. */
function apiErrorOf(status: number, error: HttpApiError): SalesforceApiError {
  const { data } = error;
  if (Array.isArray(data)) return new SalesforceApiError(status, data as SalesforceErrorBody[]);
  if (data && typeof data === 'object' && 'message' in data)
    return new SalesforceApiError(status, [data as SalesforceErrorBody]);
  return new SalesforceApiError(status, [{ errorCode: error.errorCode, message: error.message }]);
}
