import { describe, expect, it } from 'vitest';
import { chooseRequestTransport, udpRequestLimit } from '../../../src/transport/request-size.js';

describe('RFC 3261 §18.1.1 UDP size rule', () => {
  it('unknown path MTU: up to 1300 bytes stays on UDP', () => {
    expect(udpRequestLimit()).toBe(1300);
    expect(chooseRequestTransport(1300, { alternative: 'TCP' })).toEqual({ protocol: 'UDP', decision: 'fits-udp', limit: 1300 });
  });

  it('larger than 1300 bytes goes over the congestion-controlled alternative, with a note for diagnostics', () => {
    const choice = chooseRequestTransport(1301, { alternative: 'TCP' });
    expect(choice.protocol).toBe('TCP');
    expect(choice.decision).toBe('switched');
    expect(choice.decision === 'switched' && choice.note).toMatch(/1301 bytes.*over TCP instead of UDP.*top Via says TCP/);
  });

  it('known path MTU: within 200 bytes of it is too large', () => {
    expect(udpRequestLimit(9000)).toBe(8800);
    expect(chooseRequestTransport(5000, { pathMtu: 9000, alternative: 'TCP' }).protocol).toBe('UDP');
    expect(chooseRequestTransport(8801, { pathMtu: 9000, alternative: 'TLS' }).protocol).toBe('TLS');
    expect(chooseRequestTransport(1400, { pathMtu: 1500, alternative: 'TCP' }).protocol).toBe('TCP');
  });

  it('no alternative configured: still UDP, but says why it is against the rule', () => {
    const choice = chooseRequestTransport(2000);
    expect(choice).toMatchObject({ protocol: 'UDP', decision: 'oversize-udp' });
    expect(choice.decision === 'oversize-udp' && choice.note).toMatch(/none is configured, so it goes over UDP/);
    // UDP is not an alternative to itself
    expect(chooseRequestTransport(2000, { alternative: 'UDP' }).decision).toBe('oversize-udp');
  });
});
