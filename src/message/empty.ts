// Shared empty collections, so values without entries allocate nothing.

export const EMPTY_ARRAY: readonly never[] = Object.freeze([]);
