// A link reaches host.dialRequest once the window's page is up, however early it came.
import { describe, expect, it } from 'vitest';
import { LinkDispatcher, protocolClientRegistrations } from '../../../../main/desktop/links.js';

function dispatcher(dialAtOnce = false) {
  const delivered: [string, boolean][] = [];
  const logs: string[] = [];
  let shown = 0;
  const links = new LinkDispatcher({
    deliver: (target, dial) => delivered.push([target, dial]),
    showWindow: () => void (shown += 1),
    dialAtOnce: () => dialAtOnce,
    log: (message) => logs.push(message),
  });
  return { links, delivered, logs, shown: () => shown };
}

describe('LinkDispatcher', () => {
  it('holds a link that came before the page (open-url before ready, first-launch argv) and delivers it when the page is up', () => {
    const { links, delivered, shown } = dispatcher();
    expect(links.open('tel:+15550100')).toBe(true);
    expect(delivered).toEqual([]);
    expect(shown()).toBe(1);
    links.pageUp();
    expect(delivered).toEqual([['+15550100', false]]);
    links.pageUp();
    expect(delivered).toHaveLength(1);
  });

  it('delivers at once to a page that is up (second-instance)', () => {
    const { links, delivered, shown } = dispatcher(true);
    links.pageUp();
    links.open('sip:alice@example.com');
    expect(delivered).toEqual([['sip:alice@example.com', true]]);
    expect(shown()).toBe(1);
  });

  it('keeps only the latest link while waiting', () => {
    const { links, delivered } = dispatcher();
    links.open('tel:1');
    links.open('tel:2');
    links.pageUp();
    expect(delivered).toEqual([['2', false]]);
  });

  it('waits again after the page went away (reload, window closed)', () => {
    const { links, delivered } = dispatcher();
    links.pageUp();
    links.pageGone();
    links.open('tel:3');
    expect(links.pending).toEqual({ scheme: 'tel', target: '3' });
    expect(delivered).toEqual([]);
    links.pageUp();
    expect(delivered).toEqual([['3', false]]);
    expect(links.pending).toBeUndefined();
  });

  it('ignores what is not a link of ours, says why, and does not raise the window', () => {
    const { links, delivered, logs, shown } = dispatcher();
    links.pageUp();
    expect(links.open('https://evil.example/')).toBe(false);
    expect(links.open('tel:1\r\n2')).toBe(false);
    expect(delivered).toEqual([]);
    expect(shown()).toBe(0);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/ignored a link: only sip:, sips:, tel:, callto: links/);
  });
});

describe('protocolClientRegistrations', () => {
  it('registers nothing in development (the executable is Electron itself)', () => {
    expect(protocolClientRegistrations('linux', false, '/usr/lib/electron')).toEqual([]);
  });

  it('registers every scheme in a packaged build', () => {
    const path = '/opt/Callscope/callscope';
    expect(protocolClientRegistrations('linux', true, path)).toEqual([
      { scheme: 'sip', path, args: [] }, { scheme: 'sips', path, args: [] }, { scheme: 'tel', path, args: [] }, { scheme: 'callto', path, args: [] },
    ]);
    expect(protocolClientRegistrations('darwin', true, '/Applications/Callscope.app')).toHaveLength(4);
  });

  it('puts the URL after "--" on Windows, where it is a command-line argument', () => {
    expect(protocolClientRegistrations('win32', true, 'C:\\Callscope\\Callscope.exe')).toContainEqual({
      scheme: 'tel', path: 'C:\\Callscope\\Callscope.exe', args: ['--'],
    });
  });
});
