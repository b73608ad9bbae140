// Results across the app API: `{ ok: true, value } | { ok: false, error }`, never a throw.

export type ApiErrorCode =
  | 'invalid-request' | 'unknown-operation' | 'not-found' | 'unavailable' | 'conflict' | 'too-large' | 'internal';

export interface ApiError {
  readonly code: ApiErrorCode;
  /** Plain-language message, safe to show to the user (never contains secrets). */
  readonly message: string;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail(code: ApiErrorCode, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}
