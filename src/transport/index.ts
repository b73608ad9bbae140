// Transports (RFC 3261 §18, RFC 7118, RFC 5626 flows): the public API.
export * from './transport.js';
export { formatAddress } from './address.js';
export { createMemoryTransportPair, MemoryTransport } from './memory-transport.js';
export type { MemoryDelivery, MemoryInterceptor, MemoryPacket, MemoryTransportPairOptions } from './memory-transport.js';
