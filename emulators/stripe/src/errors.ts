/**
 * Stripe's error shape (docs.stripe.com/api/errors): HTTP status + `{ error: { type, code, message, param,
 * doc_url, request_log_url } }`. stripe-node turns `type` (and the status) into its error classes, so the
 * product's error handling meets the same classes here as against Stripe.
 */

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorOptions {
  readonly code?: string;
  readonly param?: string;
  readonly declineCode?: string;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;

  constructor(status: number, type: StripeErrorType, message: string, options: StripeErrorOptions = {}) {
    super(message);
    this.name = 'StripeApiError';
    this.status = status;
    this.type = type;
    this.code = options.code;
    this.param = options.param;
    this.declineCode = options.declineCode;
  }

  /** The JSON body Stripe sends with this error. */
  body(requestLogUrl: string): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://docs.stripe.com/error-codes/${this.code.replaceAll('_', '-')}`;
    }
    if (this.param) error.param = this.param;
    if (this.declineCode) error.decline_code = this.declineCode;
    error.request_log_url = requestLogUrl;
    return { error };
  }
}

/** A 400 `invalid_request_error`: the caller sent something Stripe would refuse. */
export function invalidRequest(message: string, options: StripeErrorOptions = {}): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, options);
}

/** `No such price: 'price_123'` (404 resource_missing), as Stripe answers for unknown ids. */
export function resourceMissing(noun: string, id: string, param?: string): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `No such ${noun}: '${id}'`, {
    code: 'resource_missing',
    ...(param ? { param } : {}),
  });
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function parameterUnknown(params: readonly string[]): StripeApiError {
  const message =
    params.length === 1
      ? `Received unknown parameter: ${params[0]}`
      : `Received unknown parameters: ${params.join(', ')}`;
  return invalidRequest(message, { code: 'parameter_unknown', ...(params[0] ? { param: params[0] } : {}) });
}

/** Stripe's answer when two mutually exclusive parameters are both sent. */
export function onlyOneOf(params: readonly string[]): StripeApiError {
  return invalidRequest(
    `You may only specify one of these parameters: ${params.join(', ')}.`,
    params[0] ? { param: params[0] } : {},
  );
}

export function parameterInvalid(param: string, message: string, code = 'parameter_invalid'): StripeApiError {
  return invalidRequest(message, { code, param });
}
