// Types of eslint-layers.js, for the tests that prove its rule.
export declare const SRC_LAYERS: Readonly<Record<string, readonly string[]>>;
export declare const layersPlugin: { readonly rules: Readonly<Record<string, unknown>> };
