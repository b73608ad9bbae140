/** Exhaustiveness guard for `switch` statements over string-literal unions. */
export function assertNever(_value: never, what: string): never {
  // The value itself is not printed: it may carry a secret.
  throw new Error(`unhandled ${what}`);
}
