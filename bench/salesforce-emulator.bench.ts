// The org emulator under load: 10,000 orders with 3 order products each, read the way the sync engine
// and the relay's reconciliation read them (an order with its lines through a child subquery; a scan for
// unsynced orders, 200 at most), in-process and over HTTP.
import { startSalesforceEmulator, type EmulatedOrg } from '@stripe-cpq/salesforce-org-emulator';
import type { BenchRow } from './run.ts';

const ORDERS = 10_000;
const LINES_PER_ORDER = 3;
const ORDER_WITH_LINES = (id: string): string =>
  `SELECT Id, OrderNumber, Status, Account.Name, (SELECT Id, Quantity, UnitPrice, ServiceDate, Product2.Name FROM OrderItems ORDER BY CreatedDate) FROM Order WHERE Id = '${id}'`;
const UNSYNCED_SCAN =
  "SELECT Id, OrderNumber, (SELECT Id, Quantity FROM OrderItems) FROM Order WHERE Status = 'Draft' AND Stripe_ID__c = null ORDER BY CreatedDate LIMIT 200";

function fill(org: EmulatedOrg): string[] {
  const s = org.store;
  const account = s.insert('Account', { Name: 'Bench' });
  const book = s.insert('Pricebook2', { Name: 'Bench book', IsActive: true });
  const product = s.insert('Product2', { Name: 'Seat' });
  const entry = s.insert('PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 100 });
  const ids: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const order = s.insert('Order', { AccountId: account, EffectiveDate: '2030-01-01', Name: `Bench ${i}` });
    for (let j = 0; j < LINES_PER_ORDER; j++)
      s.insert('OrderItem', {
        OrderId: order,
        Product2Id: product,
        PricebookEntryId: entry,
        Quantity: j + 1,
        UnitPrice: 100,
        ServiceDate: '2030-01-01',
      });
    ids.push(order);
  }
  return ids;
}

function perSecond(count: number, ms: number): number {
  return count / (ms / 1000);
}

export default async function bench(): Promise<BenchRow[]> {
  const emulator = await startSalesforceEmulator({ seed: 'empty' });
  try {
    let t0 = performance.now();
    const ids = fill(emulator.org);
    const insertMs = performance.now() - t0;

    const pick = (i: number): string => ids[(i * 7919) % ids.length] as string;
    const n = 5_000;
    t0 = performance.now();
    for (let i = 0; i < n; i++)
      if (emulator.query(ORDER_WITH_LINES(pick(i))).length !== 1) throw new Error('order not found');
    const inProcessMs = performance.now() - t0;

    const http = 1_000;
    const headers = { Authorization: `Bearer ${emulator.accessToken}` };
    t0 = performance.now();
    for (let i = 0; i < http; i++) {
      const response = await fetch(
        `${emulator.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(ORDER_WITH_LINES(pick(i)))}`,
        { headers },
      );
      const body = (await response.json()) as { totalSize: number };
      if (body.totalSize !== 1) throw new Error('order not found over HTTP');
    }
    const httpMs = performance.now() - t0;

    const scans = 50;
    t0 = performance.now();
    for (let i = 0; i < scans; i++)
      if (emulator.query(UNSYNCED_SCAN).length !== 200) throw new Error('unsynced-order scan returned the wrong page');
    const scanMs = performance.now() - t0;

    return [
      {
        name: `org emulator: insert orders + ${LINES_PER_ORDER} lines (${ORDERS.toLocaleString('en-US')} orders)`,
        value: perSecond(ORDERS * (1 + LINES_PER_ORDER), insertMs),
        unit: 'records/s',
      },
      {
        name: 'org emulator: order-with-lines subquery by Id, in-process',
        value: perSecond(n, inProcessMs),
        unit: 'queries/s',
      },
      {
        name: 'org emulator: order-with-lines subquery by Id, over HTTP',
        value: perSecond(http, httpMs),
        unit: 'queries/s',
      },
      {
        name: `org emulator: unsynced-order scan of ${ORDERS.toLocaleString('en-US')} orders (LIMIT 200 + lines)`,
        value: perSecond(scans, scanMs),
        unit: 'queries/s',
      },
    ];
  } finally {
    await emulator.close();
  }
}
