/**
 * One emulated org: its schema, records, identity (org, user, session token), clock, injected faults,
 * query cursors and API usage. The HTTP layer is a thin shell around it; tests may also use it directly.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { fromUnixSeconds, type CalendarDate } from './dates.js';
import {
  AccessControl,
  ADMIN_PROFILE,
  MINIMUM_ACCESS_PROFILE,
  SchemaView,
  defineAccessObjects,
  type UserAccess,
} from './access.js';
import { addOrderTotals, defineCpqOrgSchema } from 'plugin-stripe-cpq/lib/cpqSchema/catalog.js';
import { FaultInjector } from './faults.js';
import {
  loadMetadataFiles,
  readMetadataDir,
  type LoadedMetadata,
  type MetadataFile,
} from 'plugin-stripe-cpq/lib/cpqSchema/metadataLoader.js';
import { Schema, type SchemaReader } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import { runQuery, type JsonRecord } from './soql/query.js';
import type { ChildPage, QueryScope } from './soql/scope.js';
import type { ChannelFile } from './pubsub/channels.js';
import { RecordStore } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

export interface OrgOptions {
  /** The clock: record timestamps and SOQL date literals (TODAY, LAST_N_DAYS:n) follow it. */
  readonly now?: () => Date;
  readonly accessToken?: string;
  readonly username?: string;
  /** Multiple currencies enabled (default false, as a new org): CurrencyIsoCode on every object of value. */
  readonly multiCurrency?: boolean;
  /** The corporate currency (default USD): the only currency of a single-currency org. */
  readonly defaultCurrency?: string;
  /** Rows of one parent's subquery returned inline by the REST API before its own nextRecordsUrl (default 200). */
  readonly childBatchSize?: number;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly at: string;
}

export interface NewUser {
  readonly username?: string;
  readonly lastName?: string;
  /** Profile name; default the Minimum Access profile (no access but what permission sets grant). */
  readonly profile?: string;
  /** Permission set licences to assign first (`SalesforceCPQ_CPQStandardPerm`). */
  readonly permissionSetLicenses?: readonly string[];
  /** Permission sets by Name: the package's as deployed, or CPQ's `SteelBrickCPQUser`. */
  readonly permissionSets?: readonly string[];
  /** A fixed session token; default a random one. */
  readonly accessToken?: string;
}

export interface OrgUser {
  readonly userId: string;
  readonly username: string;
  /** A session token for the user: API calls with it run with the user's access. */
  readonly accessToken: string;
}

interface QueryCursor {
  readonly records: JsonRecord[];
  readonly totalSize: number;
  readonly batchSize: number;
}

/** API versions the org answers on `/services/data`: the ones Salesforce still serves (31.0, Summer '14) to Winter '27. */
export const API_VERSIONS = Array.from({ length: 67 - 31 + 1 }, (_, i) => `${31 + i}.0`);
export const LATEST_API_VERSION = API_VERSIONS[API_VERSIONS.length - 1] as string;
/**
 * Child rows per parent returned inline: Salesforce pages subquery rows like a query ("Understanding
 * Query Results"; "Child objects count toward the number of records for the batch size", Query Options
 * Header) without documenting the child batch; 200 is the documented minimum batch size.
 */
export const DEFAULT_CHILD_BATCH_SIZE = 200;
/** Daily API request allocation reported by `/limits` (Enterprise Edition base allocation). */
export const DAILY_API_REQUESTS = 100_000;

export class EmulatedOrg {
  readonly schema: Schema;
  readonly store: RecordStore;
  readonly faults = new FaultInjector();
  readonly requestLog: RequestLogEntry[] = [];
  /** Channel files deployed (at start or by the Metadata API), by file name: the Pub/Sub endpoint serves them. */
  private readonly channelFiles = new Map<string, ChannelFile>();
  private readonly channelListeners = new Set<() => void>();
  readonly now: () => Date;
  readonly accessToken: string;
  readonly orgId: string;
  readonly userId: string;
  readonly username: string;
  /** The corporate currency (Organization.DefaultCurrencyIsoCode). */
  readonly defaultCurrency: string;
  readonly childBatchSize: number;
  readonly access: AccessControl;
  /** Session token → user Id. */
  private readonly sessions = new Map<string, string>();
  /** The user whose API call is being served; undefined outside a call (tests and setup act as the org). */
  private actingUser: UserAccess | undefined;
  private actingView: SchemaView | undefined;
  private readonly cursors = new Map<string, QueryCursor>();
  private cursorCounter = 0;

  constructor(options: OrgOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.schema = new Schema({ multiCurrency: options.multiCurrency ?? false });
    this.defaultCurrency = options.defaultCurrency ?? 'USD';
    this.childBatchSize = options.childBatchSize ?? DEFAULT_CHILD_BATCH_SIZE;
    defineCpqOrgSchema(this.schema);
    defineAccessObjects(this.schema);
    this.store = new RecordStore(this.schema, { now: this.now });
    this.access = new AccessControl(this.schema, this.store);
    addOrderTotals(this.store);
    // The org and its user are records like any other, so `sf` and SOQL can read them.
    this.username = options.username ?? 'admin@cpq-emulator.example';
    const profileId = this.store.insert('Profile', { Name: ADMIN_PROFILE });
    this.store.insert('Profile', { Name: MINIMUM_ACCESS_PROFILE });
    this.access.defineCpqPermissionSet();
    this.userId = this.store.insert(
      'User',
      {
        Username: this.username,
        FirstName: 'Ada',
        LastName: 'Admin',
        Name: 'Ada Admin',
        Email: this.username,
        Alias: 'aadmin',
        TimeZoneSidKey: 'GMT',
        ProfileId: profileId,
      },
      { system: true },
    );
    this.store.currentUserId = this.userId;
    this.orgId = this.store.insert(
      'Organization',
      {
        Name: 'CPQ Emulator',
        InstanceName: 'EM1',
        IsSandbox: false,
        OrganizationType: 'Enterprise Edition',
        DefaultCurrencyIsoCode: this.defaultCurrency,
        IsMultiCurrencyOrganization: this.schema.multiCurrency,
        TimeZoneSidKey: 'GMT',
      },
      { system: true },
    );
    this.accessToken = options.accessToken ?? this.newToken();
    this.sessions.set(this.accessToken, this.userId);
  }

  private newToken(): string {
    return `${this.orgId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
  }

  /** Adds a user with a profile, permission set licences and permission sets, and opens a session for them. */
  createUser(spec: NewUser = {}): OrgUser {
    const n = this.store.count('User') + 1;
    const username = spec.username ?? `user${n}@cpq-emulator.example`;
    const lastName = spec.lastName ?? `User ${n}`;
    const profile = this.query(
      `SELECT Id FROM Profile WHERE Name = '${(spec.profile ?? MINIMUM_ACCESS_PROFILE).replace(/'/g, "\\'")}'`,
    )[0];
    if (!profile) throw new Error(`No profile named ${spec.profile ?? MINIMUM_ACCESS_PROFILE}`);
    const alias = username.replace(/[^a-z]/gi, '').slice(0, 8);
    const userId = this.store.transaction(() => {
      const id = this.store.insert(
        'User',
        {
          Username: username,
          LastName: lastName,
          Name: lastName,
          Email: username,
          Alias: alias,
          TimeZoneSidKey: 'GMT',
          ProfileId: profile.Id,
        },
        { system: true },
      );
      for (const license of spec.permissionSetLicenses ?? []) this.access.assignLicense(id, license);
      for (const name of spec.permissionSets ?? []) this.access.assign(id, name);
      return id;
    });
    return { userId, username, accessToken: this.sessionFor(userId, spec.accessToken) };
  }

  /** A new session token for the user (as a login would give). */
  sessionFor(userId: string, token = this.newToken()): string {
    this.sessions.set(token, String(this.store.require(userId, 'User').Id));
    return token;
  }

  /** Ends a session (a timeout or a logout): calls with its token fail INVALID_SESSION_ID from now on. */
  endSession(token: string): void {
    this.sessions.delete(token);
  }

  userForSession(token: string): string | undefined {
    return this.sessions.get(token);
  }

  /** Serves one API call as the session's user: their access applies and their writes carry their Id. */
  actingAs<T>(userId: string, work: () => T): T {
    const [previousUser, previousView] = [this.actingUser, this.actingView];
    this.actingUser = this.access.forUser(userId);
    this.actingView = this.actingUser.admin ? undefined : new SchemaView(this.schema, this.actingUser);
    this.store.currentUserId = userId;
    try {
      return work();
    } finally {
      [this.actingUser, this.actingView] = [previousUser, previousView];
      this.store.currentUserId = previousUser?.userId ?? this.userId;
    }
  }

  /** The user of the call being served; the admin outside a call. */
  currentAccess(): UserAccess {
    return this.actingUser ?? this.access.forUser(this.userId);
  }

  /** The schema as the calling user sees it (the whole schema outside a call). */
  schemaView(): SchemaReader {
    return this.actingView ?? this.schema;
  }

  /** The calling user's view for checks on writes (undefined for the admin, who may do anything). */
  restrictedView(): SchemaView | undefined {
    return this.actingView;
  }

  /** Today in the org's time zone (UTC). */
  today(): CalendarDate {
    return fromUnixSeconds(Math.floor(this.now().getTime() / 1000));
  }

  scope(apiVersion = `v${LATEST_API_VERSION}`): QueryScope {
    return { schema: this.schemaView(), store: this.store, today: this.today(), apiVersion };
  }

  /** The scope of a REST query: child rows beyond `childBatchSize` wait behind their own nextRecordsUrl. */
  restScope(apiVersion: string): QueryScope {
    return { ...this.scope(apiVersion), pageChildren: (records) => this.pageChildren(records, apiVersion) };
  }

  private pageChildren(records: JsonRecord[], apiVersion: string): ChildPage {
    const size = this.childBatchSize;
    if (records.length <= size) return { totalSize: records.length, done: true, records };
    const locator = this.openCursor(records, records.length, size);
    return {
      totalSize: records.length,
      done: false,
      nextRecordsUrl: `/services/data/${apiVersion}/query/${locator}-${size}`,
      records: records.slice(0, size),
    };
  }

  /** Runs SOQL and returns every matching record (no paging): the in-process way for tests. */
  query(soql: string): JsonRecord[] {
    return runQuery(soql, this.scope()).records;
  }

  /** Loads source-format metadata files (objects, fields, custom metadata records). */
  loadMetadata(files: readonly MetadataFile[]): LoadedMetadata {
    return loadMetadataFiles(this.schema, this.store, files, this.access);
  }

  /** The PlatformEventChannel and PlatformEventChannelMember files deployed so far (already checked). */
  get deployedChannelFiles(): ChannelFile[] {
    return [...this.channelFiles.values()];
  }

  /** Saves deployed channel files (a redeploy replaces a file) and tells the Pub/Sub endpoint. */
  deployChannels(files: readonly ChannelFile[]): void {
    for (const file of files) this.channelFiles.set(basename(file.path), file);
    for (const listener of this.channelListeners) listener();
  }

  onChannelsDeployed(listener: () => void): () => void {
    this.channelListeners.add(listener);
    return () => this.channelListeners.delete(listener);
  }

  /** Loads every object, field and custom metadata file under a source directory such as `force-app`. */
  loadMetadataDir(dir: string): LoadedMetadata {
    return this.loadMetadata(readMetadataDir(dir));
  }

  /** Keeps the rows after the first batch for `nextRecordsUrl`, returning the locator. */
  openCursor(records: JsonRecord[], totalSize: number, batchSize: number): string {
    const locator = `01gEm${String(++this.cursorCounter).padStart(10, '0')}`;
    this.cursors.set(locator, { records, totalSize, batchSize });
    return locator;
  }

  cursor(locator: string): QueryCursor | undefined {
    return this.cursors.get(locator);
  }

  closeCursor(locator: string): void {
    this.cursors.delete(locator);
  }

  apiRequestsToday(): number {
    return this.requestLog.length;
  }
}
