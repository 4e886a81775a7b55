import { reduceErrors } from 'c/ldsUtils';

describe('c-lds-utils reduceErrors', () => {
  it('reads the messages of a UI API read error (body is a list)', () => {
    const error = { body: [{ message: 'Invalid field' }, { message: 'No access' }], status: 400 };
    expect(reduceErrors(error)).toEqual(['Invalid field', 'No access']);
  });

  it('reads record and field errors of a UI API write error', () => {
    const error = {
      body: {
        message: 'An error occurred while trying to update the record.',
        output: {
          errors: [{ message: 'Choose the order to sync in Order.' }],
          fieldErrors: { Order__c: [{ message: 'Order: id value of incorrect type' }] },
        },
      },
    };
    expect(reduceErrors(error)).toEqual(['Choose the order to sync in Order.', 'Order: id value of incorrect type']);
  });

  it('reads page and field errors of an Apex DML error', () => {
    const error = {
      body: {
        message: 'Insert failed.',
        pageErrors: [
          { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Activate the order before syncing it.' },
        ],
        fieldErrors: {
          Type__c: [
            {
              statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
              message: 'Type: bad value for restricted picklist field: Later',
            },
          ],
        },
      },
    };
    expect(reduceErrors(error)).toEqual([
      'Activate the order before syncing it.',
      'Type: bad value for restricted picklist field: Later',
    ]);
  });

  it('falls back to the body message when a write error has no details', () => {
    const error = {
      body: { message: 'insufficient access rights on object id', output: { errors: [], fieldErrors: {} } },
    };
    expect(reduceErrors(error)).toEqual(['insufficient access rights on object id']);
  });

  it('reads JavaScript errors and the status text of bodiless responses', () => {
    expect(reduceErrors([new Error('boom'), { statusText: 'Service Unavailable' }])).toEqual([
      'boom',
      'Service Unavailable',
    ]);
  });

  it('drops empty entries and duplicate messages', () => {
    expect(reduceErrors([null, new Error('same'), { body: { message: 'same' } }, undefined])).toEqual(['same']);
  });
});
