import { describe, expect, it } from 'vitest';
import { hostCallIdOf, keysToTry, parseKey } from '../../../../renderer/diagnostics/model/call-key.js';

describe('diagnostics keys', () => {
  it('parses the three kinds and refuses others', () => {
    expect(parseKey('live:abc')).toEqual({ kind: 'live', id: 'abc' });
    expect(parseKey('import:u1:x@y')).toEqual({ kind: 'import', id: 'u1:x@y' });
    expect(parseKey('history:1')).toBeUndefined();
    expect(parseKey('live:')).toBeUndefined();
  });

  it('tries the other form of a phone call key, never of an import', () => {
    expect(keysToTry('recent:c1')).toEqual(['recent:c1', 'live:c1']);
    expect(keysToTry('live:c1')).toEqual(['live:c1', 'recent:c1']);
    expect(keysToTry('import:u:c')).toEqual(['import:u:c']);
    expect(keysToTry('history:1')).toEqual([]);
  });

  it('names the host call behind a key', () => {
    expect(hostCallIdOf('recent:c9')).toBe('c9');
    expect(hostCallIdOf('import:u:c')).toBeUndefined();
  });
});
