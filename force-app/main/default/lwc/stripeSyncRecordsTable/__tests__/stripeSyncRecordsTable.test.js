import { createElement } from 'lwc';
import StripeSyncRecordsTable from 'c/stripeSyncRecordsTable';

const ROWS = [
  {
    id: 'a01000000000001AAA',
    status: 'Error',
    record: 'OrderItem 802000000000001AAA',
    message: 'Data Error: Quantity specified as a decimal value. Only integers are supported.',
    updated: '2030-01-15T10:30:00.000Z',
    documentationLink: 'https://docs.stripe.com/connectors/salesforce-cpq/error-handling',
    stripeRequestLink: null,
  },
];

function mount(rows) {
  const element = createElement('c-stripe-sync-records-table', { is: StripeSyncRecordsTable });
  element.rows = rows;
  document.body.appendChild(element);
  return element;
}

const byId = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);

describe('c-stripe-sync-records-table', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows the rows in a datatable without selection, the documentation and Stripe log as links', async () => {
    const element = mount(ROWS);
    const table = byId(element, 'sync-records');
    expect(table.data).toEqual(ROWS);
    expect(table.hideCheckboxColumn).toBe(true);
    expect(table.columns.map((c) => [c.fieldName, c.type ?? 'text'])).toEqual([
      ['status', 'text'],
      ['record', 'text'],
      ['message', 'text'],
      ['updated', 'date'],
      ['documentationLink', 'url'],
      ['stripeRequestLink', 'url'],
    ]);
    expect(byId(element, 'no-sync-records')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('says there are none instead of an empty table', async () => {
    const element = mount([]);
    expect(byId(element, 'sync-records')).toBeNull();
    expect(byId(element, 'no-sync-records').textContent).toBe('c.StripeOrderSync_NoSyncRecords');
    await expect(element).toBeAccessible();
  });
});
