/**
 * Salesforce REST errors as the real API returns them: an HTTP status and a body of
 * `[{ message, errorCode, fields }]` (REST API Developer Guide, "Status Codes and Error Responses").
 */

export interface ApiErrorBody {
  readonly message: string;
  readonly errorCode: string;
  readonly fields: string[];
}

export class SalesforceApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[];

  constructor(status: number, errorCode: string, message: string, fields: string[] = []) {
    super(message);
    this.name = 'SalesforceApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }

  toBody(): ApiErrorBody[] {
    return [{ message: this.message, errorCode: this.errorCode, fields: this.fields }];
  }
}

export const malformedQuery = (message: string): SalesforceApiError =>
  new SalesforceApiError(400, 'MALFORMED_QUERY', message);

/** Salesforce's wording for an unknown column, shown with the query text around it. */
export const invalidField = (field: string, sobject: string): SalesforceApiError =>
  new SalesforceApiError(
    400,
    'INVALID_FIELD',
    `No such column '${field}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const invalidType = (sobject: string): SalesforceApiError =>
  new SalesforceApiError(
    400,
    'INVALID_TYPE',
    `sObject type '${sobject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const notFound = (what = 'The requested resource does not exist'): SalesforceApiError =>
  new SalesforceApiError(404, 'NOT_FOUND', what);
