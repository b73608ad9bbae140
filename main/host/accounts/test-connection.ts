// "Test connection": connect, REGISTER once, unregister — and say exactly which step
// failed and why, in words. Nothing is kept: the connection is closed whatever happens.
import type { TestConnectionResult } from '../../contract/accounts.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import { connectToServer } from '../../../src/ua/connection/server-connection.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import { newInstanceId } from '../../../src/ua/registration/instance.js';
import { Registration } from '../../../src/ua/registration/registration.js';
import type { DiagnosticsStream } from '../../../src/trace/events.js';
import { addressOfRecord, connectionFailure, registrationFailure, type AccountConfig } from './account-config.js';

export interface TestConnectionOptions {
  /** Where the attempt's SIP goes, for the diagnostics store (optional). */
  readonly diagnostics?: DiagnosticsStream;
  readonly connectTimeoutMs?: number;
}

export async function testConnection(config: AccountConfig, options: TestConnectionOptions = {}): Promise<TestConnectionResult> {
  const { account, password } = config;
  const steps: Array<{ step: 'connect' | 'register' | 'unregister'; ms: number }> = [];
  let started = performance.now();
  const passed = (step: 'connect' | 'register' | 'unregister') => {
    const now = performance.now();
    steps.push({ step, ms: Math.round(now - started) });
    started = now;
  };
  if (password === undefined) {
    return { ok: false, steps, failure: { step: 'configuration', kind: 'configuration', reason: 'Enter the account\'s password first: registering needs it.' } };
  }
  const connected = await connectToServer(account.serverUrl, {
    ...(account.tls.caFile === '' ? {} : { caFile: account.tls.caFile }),
    ...(account.tls.acceptInvalidCertificate ? { acceptInvalidCertificate: true } : {}),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  });
  if (!connected.ok) return { ok: false, steps, failure: connectionFailure(connected.error) };
  passed('connect');
  const connection = connected.value;
  const endpoint = new SipEndpoint({
    transport: connection.transport, outboundProxy: connection.outboundProxy,
    ...(options.diagnostics ? { diagnostics: options.diagnostics } : {}),
  });
  try {
    const registration = new Registration({
      endpoint, aor: addressOfRecord(account), instanceId: newInstanceId(), contactUser: account.user,
      authenticator: new Authenticator({ username: account.authUser === '' ? account.user : account.authUser, password }),
      currentFlowId: () => connection.flowId, maxRetries: 0,
    });
    const state = await registration.start();
    if (state.name !== 'registered') {
      await registration.stop({ timeoutMs: 1000 });
      const status = state.name === 'failed' ? state.status : undefined;
      const reason = state.name === 'failed' ? state.reason : `registration ended ${state.name}`;
      return { ok: false, steps, failure: registrationFailure('register', status, reason) };
    }
    passed('register');
    const removed = await registration.stop({ timeoutMs: 5000 });
    if (!removed.ok) {
      return { ok: false, steps, expires: state.expiresS, failure: registrationFailure('unregister', removed.status, removed.reason) };
    }
    passed('unregister');
    return { ok: true, steps, expires: state.expiresS };
  } finally {
    endpoint.close();
    await connection.close().catch(() => undefined);
  }
}
