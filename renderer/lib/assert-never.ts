/** Exhaustiveness guard for `switch` statements over string-literal unions. */
export function assertNever(_value: never, what: string): never {
  throw new Error(`unhandled ${what}`);
}
