// Only the page the host printed may use the API: wrong or missing tokens are refused, and
// so is any other origin, even one that knows the token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './host-fixture.js';

test('a wrong token is refused', async ({ page, host }) => {
  await page.goto(`${host.origin}/#token=wrong-token-0123456789abcdef`);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Access refused/);
  await expect(page.getByRole('alert')).toContainText('its access token is wrong or from an earlier run');
  await expect(page.getByRole('form')).toHaveCount(0);
  expect(host.output()).toContain('refused a bridge connection (missing or wrong token)');
});

test('a page without a token is refused', async ({ page, host }) => {
  await page.goto(`${host.origin}/`);
  await expect(page.getByRole('alert')).toContainText('This page has no valid access token');
});

test('another origin cannot use the bridge, even with the token', async ({ page, host }) => {
  // A page served from a different loopback port (as a malicious local page would be).
  const evil = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const outcome = await page.evaluate(
      ({ port, token }) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/api`, ['callscope.v1', `callscope-token.${token}`]);
          socket.onopen = () => resolve('open');
          socket.onclose = () => resolve('closed');
        }),
      { port: host.port, token: host.token },
    );
    expect(outcome).toBe('closed');
    expect(host.output()).toContain('refused a bridge connection (foreign or missing Origin)');
  } finally {
    await new Promise((resolve) => evil.close(resolve));
  }
});
