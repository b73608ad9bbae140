// The keyboard shortcuts, from the same table the handler uses.
import { SHORTCUTS } from '../lib/shortcuts.js';

export function ShortcutHelp() {
  return (
    <details className="panel shortcuts">
      <summary>Keyboard shortcuts</summary>
      <dl className="facts">
        {SHORTCUTS.map((s) => (
          <div key={s.keys} className="fact-row"><dt><kbd>{s.keys}</kbd></dt><dd>{s.does}</dd></div>
        ))}
      </dl>
    </details>
  );
}
