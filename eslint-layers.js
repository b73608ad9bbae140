// The layers inside src/, as an ESLint rule (`callscope/layers`), in the manner of
// VS Code's code-layering rule: each folder of src/ may import only the folders
// listed for it. Relative imports are resolved against the importing file, so a
// sub-folder that shares a name with a layer (ua/call, diagnostics/import) is
// never mistaken for it. Type-only imports count: a type is a dependency too.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * What each folder of src/ may import, besides itself. The chain runs
 * util <- trace <- message <- transport <- transaction <- dialog <- ua; the
 * diagnostics read the stream's vocabulary and the layers that write it; the
 * Node media engines serve the user agent's SdpHandler; the test line is a
 * user agent with media; the CLI and the public index sit on top.
 */
export const SRC_LAYERS = {
  util: [],
  trace: ['util'],
  message: ['util', 'trace'],
  transport: ['util', 'trace', 'message'],
  transaction: ['util', 'trace', 'message', 'transport'],
  dialog: ['util', 'trace', 'message', 'transport', 'transaction'],
  ua: ['util', 'trace', 'message', 'transport', 'transaction', 'dialog'],
  diagnostics: ['util', 'trace', 'message', 'transport', 'transaction'],
  media: ['util', 'trace', 'message', 'ua'],
  testline: ['util', 'trace', 'message', 'transport', 'transaction', 'dialog', 'ua', 'media', 'diagnostics'],
  cli: ['util', 'trace', 'message', 'transport', 'transaction', 'dialog', 'ua', 'media', 'testline', 'diagnostics'],
};

/** The src/ folder a path lies in ('' for src/ itself), or undefined outside src/. */
function layerOf(srcDir, path) {
  const rel = relative(srcDir, path);
  if (rel.startsWith('..') || rel === '') return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? '' : parts[0];
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'src/ folders import only the layers below them (see SRC_LAYERS)' },
    schema: [{ type: 'object', properties: { srcDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      upward: "src/{{from}}/ may not import src/{{to}}/: {{from}} may use {{allowed}} (layers in eslint-layers.js)",
      unknown: "src/{{from}}/ is not a known layer: add it to SRC_LAYERS in eslint-layers.js",
    },
  },
  create(context) {
    const srcDir = resolve(context.cwd, context.options[0]?.srcDir ?? 'src');
    const from = layerOf(srcDir, context.filename);
    if (from === undefined || from === '') return {};
    const allowed = SRC_LAYERS[from];
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      if (allowed === undefined) {
        context.report({ node, messageId: 'unknown', data: { from } });
        return;
      }
      const to = layerOf(srcDir, resolve(dirname(context.filename), specifier));
      if (to === undefined || to === from || allowed.includes(to)) return;
      context.report({
        node, messageId: 'upward',
        data: { from, to: to === '' ? '(index)' : to, allowed: allowed.length > 0 ? allowed.join(', ') : 'nothing' },
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { layers: layersRule } };
