// A small read-only map for parameters: a flat [name, value, name, value, ...] array.
// Parameter lists hold one to a few entries, where a linear scan beats hashing and this
// costs half of a Map to build (it is built for nearly every header value and URI).

export class ParamMap implements ReadonlyMap<string, string | null> {
  /** `flat` alternates names (lower-cased) and values; the map takes ownership of it. */
  constructor(private readonly flat: (string | null)[]) {}

  get size(): number {
    return this.flat.length >> 1;
  }
  get(name: string): string | null | undefined {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return f[i + 1];
    return undefined;
  }
  has(name: string): boolean {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return true;
    return false;
  }
  forEach(fn: (value: string | null, key: string, map: ReadonlyMap<string, string | null>) => void, thisArg?: unknown): void {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) fn.call(thisArg, f[i + 1]!, f[i]!, this);
  }
  *entries(): MapIterator<[string, string | null]> {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) yield [f[i]!, f[i + 1]!];
  }
  *keys(): MapIterator<string> {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) yield f[i]!;
  }
  *values(): MapIterator<string | null> {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) yield f[i + 1]!;
  }
  [Symbol.iterator](): MapIterator<[string, string | null]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'ParamMap';
  }
  toJSON(): Record<string, string | null> {
    return Object.fromEntries(this.entries());
  }
}

export const EMPTY_PARAMS = new ParamMap([]);

/** True for a Map or ParamMap (anything with `entries`), as opposed to a plain object. */
export function isMapLike(v: unknown): v is ReadonlyMap<string, string | null> {
  return typeof v === 'object' && v !== null && typeof (v as { entries?: unknown }).entries === 'function' && typeof (v as { get?: unknown }).get === 'function';
}
