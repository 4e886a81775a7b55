/**
 * SOQL over the emulator's records, checked against the SOQL and SOSL Reference:
 * "Comparison Operators", "Logical Operators", "Date Formats and Date Literals", "ORDER BY",
 * "LIMIT"/"OFFSET", "Relationship Queries", "COUNT()", "FIELDS()".
 */
import { jest } from '@jest/globals';
import { EmulatedOrg, SalesforceApiError } from '@stripe-cpq/salesforce-org-emulator';

const NOW = new Date('2030-06-15T12:00:00Z');
let org: EmulatedOrg;
const ids: Record<string, string> = {};

beforeAll(() => {
  org = new EmulatedOrg({ now: () => NOW });
  const s = org.store;
  ids.acme = s.insert('Account', { Name: 'Acme', BillingCity: 'Paris' });
  ids.zeta = s.insert('Account', { Name: 'zeta', BillingCity: null });
  ids.book = s.insert('Pricebook2', { Name: 'Std', IsActive: true });
  ids.prod = s.insert('Product2', { Name: 'Seat', SBQQ__BillingFrequency__c: 'Monthly' });
  ids.pbe = s.insert('PricebookEntry', { Pricebook2Id: ids.book, Product2Id: ids.prod, UnitPrice: 100 });
  ids.opp = s.insert('Opportunity', {
    Name: 'Opp',
    CloseDate: '2030-06-01',
    StageName: 'Closed Won',
    AccountId: ids.acme,
  });
  ids.quote = s.insert('SBQQ__Quote__c', {
    SBQQ__Opportunity2__c: ids.opp,
    SBQQ__StartDate__c: '2030-07-01',
    SBQQ__SubscriptionTerm__c: 12,
  });
  const order = (name: string, account: string, date: string, extra: Record<string, unknown> = {}): string =>
    s.insert('Order', { Name: name, AccountId: account, EffectiveDate: date, Status: 'Draft', ...extra });
  ids.o1 = order('First', ids.acme, '2030-06-15', { SBQQ__Quote__c: ids.quote, Type: 'New' });
  ids.o2 = order('Second', ids.acme, '2030-06-10', { Type: 'Amendment' });
  ids.o3 = order("It's third", ids.zeta, '2030-01-01');
  for (const [orderId, quantity] of [
    [ids.o1, 3],
    [ids.o1, 1],
    [ids.o1, 2],
    [ids.o2, 5],
  ] as const) {
    s.insert('OrderItem', {
      OrderId: orderId,
      Product2Id: ids.prod,
      PricebookEntryId: ids.pbe,
      Quantity: quantity,
      UnitPrice: 10 * quantity,
    });
  }
});

const names = (soql: string): unknown[] => org.query(soql).map((r) => r.Name);
const fails = (soql: string, errorCode: string): void => {
  let caught: unknown;
  try {
    org.query(soql);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SalesforceApiError);
  expect((caught as SalesforceApiError).errorCode).toBe(errorCode);
};

describe('WHERE (SOQL Reference: Comparison and Logical Operators)', () => {
  it('compares text case-insensitively with = and !=, and != keeps nulls', () => {
    expect(names("SELECT Name FROM Account WHERE Name = 'ACME'")).toEqual(['Acme']);
    expect(names("SELECT Name FROM Account WHERE BillingCity != 'Paris'")).toEqual(['zeta']);
  });

  it('compares numbers, dates and booleans by value', () => {
    expect(
      org.query('SELECT Quantity FROM OrderItem WHERE Quantity >= 3 ORDER BY Quantity').map((r) => r.Quantity),
    ).toEqual([3, 5]);
    expect(names('SELECT Name FROM Order WHERE EffectiveDate < 2030-06-12 ORDER BY EffectiveDate')).toEqual([
      "It's third",
      'Second',
    ]);
    expect(names('SELECT Name FROM Pricebook2 WHERE IsActive = true')).toEqual(['Std']);
  });

  it('matches null with = null and != null', () => {
    expect(names('SELECT Name FROM Account WHERE BillingCity = null')).toEqual(['zeta']);
    expect(names('SELECT Name FROM Account WHERE BillingCity != null')).toEqual(['Acme']);
  });

  it('supports IN, NOT IN and LIKE with % and _ wildcards, escaped quotes', () => {
    expect(names("SELECT Name FROM Order WHERE Type IN ('New', 'Amendment') ORDER BY Name")).toEqual([
      'First',
      'Second',
    ]);
    expect(names("SELECT Name FROM Order WHERE Name NOT IN ('First') ORDER BY Name")).toEqual(["It's third", 'Second']);
    expect(names("SELECT Name FROM Order WHERE Name LIKE 's%'")).toEqual(['Second']);
    expect(names("SELECT Name FROM Order WHERE Name LIKE '_irst'")).toEqual(['First']);
    expect(names("SELECT Name FROM Order WHERE Name = 'It\\'s third'")).toEqual(["It's third"]);
  });

  it('combines AND, OR and NOT with parentheses', () => {
    expect(names("SELECT Name FROM Order WHERE Account.Name = 'Acme' AND (Type = 'New' OR Type = null)")).toEqual([
      'First',
    ]);
    expect(names("SELECT Name FROM Order WHERE NOT (Type = 'New' OR Type = 'Amendment')")).toEqual(["It's third"]);
    expect(names("SELECT Name FROM Order WHERE NOT Name = 'First' AND Type != null")).toEqual(['Second']);
  });

  it('rejects AND and OR mixed without parentheses, as Salesforce does', () => {
    fails("SELECT Name FROM Order WHERE Name = 'a' AND Name = 'b' OR Name = 'c'", 'MALFORMED_QUERY');
  });

  it('accepts 15- and 18-character Ids in filters and semi-joins', () => {
    expect(names(`SELECT Name FROM Order WHERE Id = '${ids.o1?.slice(0, 15)}'`)).toEqual(['First']);
    expect(names(`SELECT Name FROM Order WHERE Id IN (SELECT OrderId FROM OrderItem WHERE Quantity = 5)`)).toEqual([
      'Second',
    ]);
    fails("SELECT Name FROM Order WHERE Id = 'not-an-id'", 'INVALID_QUERY_FILTER_OPERATOR');
  });

  it('checks literal types against the field type', () => {
    fails("SELECT Name FROM Order WHERE EffectiveDate = '2030-06-15'", 'INVALID_FIELD');
    fails("SELECT Name FROM OrderItem WHERE Quantity = '3'", 'INVALID_FIELD');
    fails('SELECT Name FROM Order WHERE CreatedDate = 2030-06-15', 'INVALID_FIELD');
  });
});

describe('date literals (SOQL Reference: Date Formats and Date Literals), today = 2030-06-15 UTC', () => {
  it('TODAY, YESTERDAY and ranges on date fields', () => {
    expect(names('SELECT Name FROM Order WHERE EffectiveDate = TODAY')).toEqual(['First']);
    expect(names('SELECT Name FROM Order WHERE EffectiveDate = LAST_N_DAYS:7 ORDER BY Name')).toEqual([
      'First',
      'Second',
    ]);
    expect(names('SELECT Name FROM Order WHERE EffectiveDate < THIS_MONTH')).toEqual(["It's third"]);
    expect(names('SELECT Name FROM Order WHERE EffectiveDate = THIS_YEAR ORDER BY Name')).toEqual([
      'First',
      "It's third",
      'Second',
    ]);
    expect(names('SELECT Name FROM Order WHERE EffectiveDate = N_DAYS_AGO:5')).toEqual(['Second']);
  });

  it('applies to datetime fields through their UTC date', () => {
    expect(org.query('SELECT Id FROM Order WHERE CreatedDate = TODAY')).toHaveLength(3);
    expect(org.query('SELECT Id FROM Order WHERE CreatedDate = YESTERDAY')).toHaveLength(0);
    expect(org.query('SELECT Id FROM Order WHERE CreatedDate > 2030-06-15T00:00:00Z')).toHaveLength(3);
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  it('sorts on several fields, DESC, with nulls first by default ascending and last descending', () => {
    expect(names('SELECT Name FROM Order ORDER BY Type, Name')).toEqual(["It's third", 'Second', 'First']);
    expect(names('SELECT Name FROM Order ORDER BY Type DESC')).toEqual(['First', 'Second', "It's third"]);
    expect(names('SELECT Name FROM Order ORDER BY Type ASC NULLS LAST')).toEqual(['Second', 'First', "It's third"]);
  });

  it('sorts text case-insensitively and by parent fields', () => {
    expect(names('SELECT Name FROM Account ORDER BY Name DESC')).toEqual(['zeta', 'Acme']);
    expect(names('SELECT Name FROM Order ORDER BY Account.Name DESC, Name')).toEqual(["It's third", 'First', 'Second']);
  });

  it('pages with LIMIT and OFFSET and bounds OFFSET at 2000', () => {
    expect(names('SELECT Name FROM Order ORDER BY Name LIMIT 1 OFFSET 1')).toEqual(["It's third"]);
    fails('SELECT Name FROM Order LIMIT 1 OFFSET 2001', 'NUMBER_OUTSIDE_VALID_RANGE');
  });
});

describe('relationship queries (SOQL Reference: Relationship Queries)', () => {
  it('reads parent fields through several levels and returns null parents as null', () => {
    const [first] = org.query(
      `SELECT Name, SBQQ__Quote__r.SBQQ__StartDate__c, SBQQ__Quote__r.SBQQ__Opportunity2__r.Account.Name FROM Order WHERE Id = '${ids.o1}'`,
    );
    expect(first).toMatchObject({
      Name: 'First',
      SBQQ__Quote__r: {
        attributes: { type: 'SBQQ__Quote__c' },
        SBQQ__StartDate__c: '2030-07-01',
        SBQQ__Opportunity2__r: { Account: { Name: 'Acme' } },
      },
    });
    const [second] = org.query(`SELECT SBQQ__Quote__r.SBQQ__StartDate__c FROM Order WHERE Id = '${ids.o2}'`);
    expect(second?.SBQQ__Quote__r).toBeNull();
  });

  it('runs child subqueries with their own WHERE, ORDER BY and LIMIT; empty children are null', () => {
    const rows = org.query(
      'SELECT Name, (SELECT Quantity FROM OrderItems WHERE Quantity > 1 ORDER BY Quantity DESC LIMIT 5) FROM Order ORDER BY Name',
    );
    type Children = { totalSize: number; records: Array<{ Quantity: number }> } | null;
    const byName = new Map<unknown, Children>(rows.map((r) => [r.Name, r.OrderItems as Children]));
    expect(byName.get('First')?.records.map((r) => r.Quantity)).toEqual([3, 2]);
    expect(byName.get('First')?.totalSize).toBe(2);
    expect(byName.get("It's third")).toBeNull();
  });

  it('names unknown relationships and fields with INVALID_TYPE / INVALID_FIELD', () => {
    fails('SELECT (SELECT Id FROM Nope__r) FROM Order', 'INVALID_TYPE');
    fails('SELECT Nope__r.Name FROM Order', 'INVALID_FIELD');
    fails('SELECT Bogus__c FROM Order', 'INVALID_FIELD');
    fails('SELECT Id FROM Bogus__c', 'INVALID_TYPE');
  });

  it('treats object and field names case-insensitively and answers with canonical names', () => {
    const [row] = org.query(`select name, account.name from ORDER where id = '${ids.o1}'`);
    expect(row).toMatchObject({ attributes: { type: 'Order' }, Name: 'First', Account: { Name: 'Acme' } });
  });
});

describe('COUNT(), FIELDS() and unsupported clauses', () => {
  it('COUNT() answers through totalSize; COUNT(field) as an AggregateResult', () => {
    expect(org.query('SELECT COUNT() FROM Order')).toEqual([]);
    const [aggregate] = org.query('SELECT COUNT(Type) FROM Order');
    expect(aggregate).toMatchObject({ attributes: { type: 'AggregateResult' }, expr0: 2 });
  });

  it('FIELDS(ALL) needs LIMIT 200 or less', () => {
    const [row] = org.query(`SELECT FIELDS(ALL) FROM Order WHERE Id = '${ids.o1}' LIMIT 1`);
    expect(row).toHaveProperty('EffectiveDate', '2030-06-15');
    expect(row).toHaveProperty('SystemModstamp');
    fails('SELECT FIELDS(ALL) FROM Order', 'MALFORMED_QUERY');
  });

  it('refuses what it does not evaluate instead of answering wrongly', () => {
    fails('SELECT Type, COUNT(Id) FROM Order GROUP BY Type', 'MALFORMED_QUERY');
    fails('SELECT Name FROM Order WHERE CALENDAR_YEAR(EffectiveDate) = 2030', 'MALFORMED_QUERY');
    fails('SELECT Name FROM', 'MALFORMED_QUERY');
  });
});

describe('index lookups (Id and reference equalities, through parents, OR-ed, semi-joins)', () => {
  // `NOT (NOT (…))` has no lookup, so it scans every record: the reference answer for each indexed form.
  const indexed = [
    (): string => `Order.AccountId = '${ids.acme}'`,
    (): string => `Order.SBQQ__Quote__r.SBQQ__Opportunity2__c = '${ids.opp}'`,
    (): string => `Order.Id IN ('${ids.o2}', '${ids.o3}') OR Order.SBQQ__Quote__c = '${ids.quote}'`,
    (): string => `(Id = '${ids.o1?.slice(0, 15)}' OR Product2Id = '${ids.prod}') AND Quantity > 1`,
    (): string => `OrderId IN (SELECT Id FROM Order WHERE AccountId = '${ids.acme}' OR Account.Name = 'zeta')`,
  ];

  it.each(indexed.map((where) => [where]))('matches what a scan matches: %#', (where) => {
    const quantities = (clause: string): unknown[] =>
      org.query(`SELECT Quantity FROM OrderItem WHERE ${clause} ORDER BY Quantity`).map((r) => r.Quantity);
    const scanned = quantities(`NOT (NOT (${where()}))`);
    expect(scanned.length).toBeGreaterThan(0);
    expect(quantities(where())).toEqual(scanned);
  });

  it('answers indexed queries and their semi-joins without scanning an object', () => {
    const all = jest.spyOn(org.store, 'all');
    try {
      expect(
        names(
          `SELECT Name FROM Order WHERE Id IN (SELECT OrderId FROM OrderItem WHERE Order.AccountId = '${ids.acme}') OR Id = '${ids.o3}' ORDER BY Name`,
        ),
      ).toEqual(['First', "It's third", 'Second']);
      expect(all).not.toHaveBeenCalled();
      names(`SELECT Name FROM Order WHERE Id IN (SELECT OrderId FROM OrderItem WHERE Quantity = 5)`);
      expect(all).toHaveBeenCalledWith('OrderItem');
    } finally {
      all.mockRestore();
    }
  });
});

describe('compound address fields (Object Reference: "Address Compound Fields", "Compound Field Considerations and Limitations")', () => {
  it('returns BillingAddress as an object of its parts, or null when every part is empty', () => {
    const rows = org.query('SELECT Name, BillingAddress FROM Account ORDER BY Name');
    expect(rows.map((r) => [r.Name, r.BillingAddress])).toEqual([
      [
        'Acme',
        {
          city: 'Paris',
          country: null,
          geocodeAccuracy: null,
          latitude: null,
          longitude: null,
          postalCode: null,
          state: null,
          street: null,
        },
      ],
      ['zeta', null],
    ]);
  });

  it('refuses a compound field in WHERE and in a write: it is neither filterable nor updateable', () => {
    fails("SELECT Name FROM Account WHERE BillingAddress = 'Paris'", 'INVALID_FIELD');
    expect(() => org.store.update('Account', ids.acme as string, { BillingAddress: { city: 'Lyon' } })).toThrow(
      expect.objectContaining({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' }),
    );
    expect(org.schema.field('Contact', 'MailingAddress')).toMatchObject({
      type: 'address',
      createable: false,
      updateable: false,
    });
  });
});
