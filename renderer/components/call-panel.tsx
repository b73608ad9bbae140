import type { AppInfo } from '../../main/contract/app-api.js';

/** Shown for orientation; calling stays off until the host reports the capability. */
export function CallPanel({ info }: { readonly info: AppInfo | undefined }) {
  const available = info?.capabilities.calling === true;
  return (
    <section className="panel" aria-labelledby="call-title">
      <h2 id="call-title">Call</h2>
      <form className="call-form" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="call-target">Number or SIP address</label>
        <div className="row">
          <input id="call-target" type="text" placeholder="sip:bob@example.com" disabled={!available} aria-describedby="call-note" />
          <button type="submit" disabled={!available}>
            Call
          </button>
        </div>
      </form>
      {!available && (
        <p id="call-note" className="note">
          Calling is not available yet: the SIP user agent is not part of this version. You can set up your account now.
        </p>
      )}
    </section>
  );
}
