// Shared empty collections, so values without parameters allocate nothing.

class ReadOnlyEmptyMap<K, V> extends Map<K, V> {
  override set(_key: K, _value: V): this {
    throw new TypeError('this map is read-only');
  }
  override delete(_key: K): boolean {
    throw new TypeError('this map is read-only');
  }
  override clear(): void {
    throw new TypeError('this map is read-only');
  }
}

const emptyMap = new ReadOnlyEmptyMap<string, never>();

export function emptyParams<V>(): ReadonlyMap<string, V> {
  return emptyMap as ReadonlyMap<string, V>;
}

export const EMPTY_ARRAY: readonly never[] = Object.freeze([]);
