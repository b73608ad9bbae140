// The fast path's shared numbers, in one place: the memory layout of the WebAssembly
// scanners, a field's head in the records, the header kinds, and the codes in the records
// the scanners write. Both sides import this file — the scanners (fast/wasm/scanner.ts,
// AssemblyScript, compiled by `npm run build:wasm`) and their JavaScript side (fast/scan.ts
// fills the tables and loads messages; fast/build.ts, message-impl.ts and the parser read
// the records; header-names.ts makes K of the kinds) — so no number is copied by hand.
//
// It is written in the common subset of TypeScript and AssemblyScript: only exported
// constants with number literals or arithmetic on them, no imports, no types (an i32 in
// the module, a number here). After a change here, `npm run build:wasm`: the module exports
// every constant as a global, and test/unit/message/fast-layout.test.ts fails when the
// committed module's values are not these, or when a source file declares its own copy of one.

// ---- memory (byte addresses): tables, cells, the message, the records ----

/** Character class tables, 256 bytes each, 1 for a member (filled by fast/scan.ts from chars.ts). */
export const TABLES = 0x1000;
export const T_TOKEN = TABLES;
export const T_DIGIT = TABLES + 0x100;
export const T_WORD = TABLES + 0x200;
/** Text a value may hold (what checkText accepts, but CR, which ends or folds it). */
export const T_TEXT = TABLES + 0x300;
export const T_ALPHA = TABLES + 0x400;
/** HOST_LETTER, HOST_DIGIT or HOST_MARK per char of a hostname or IPv4 address, 0 for any other. */
export const T_HOST = TABLES + 0x500;
export const T_USER = TABLES + 0x600;
/** User chars that can neither be in a host nor follow one in a URI: seeing one means a user part. */
export const T_USER_ONLY = TABLES + 0x700;
export const T_USER_NS = TABLES + 0x800;
export const T_PARAM = TABLES + 0x900;
/**
 * paramCode's tables (fast/wasm/scanner.ts): the coded names' bytes (PARAM_NAMES joined),
 * the start of each (i32 per code), the first code per key (u8; key = length << 6 | first
 * letter & 63) and the next code with the same key (u8 per code).
 */
export const T_NAME_BYTES = TABLES + 0xa00;
export const T_NAME_START = TABLES + 0xb00;
export const T_FIRST_CODE = TABLES + 0xc00;
export const T_NEXT_CODE = TABLES + 0x1000;
/** Per header definition id + 1 (0: an unknown header), its kind (KIND_OF in fast/scan.ts). */
export const T_KIND = TABLES + 0x1100;
/** Per kind, 1 when a scanner covers it (FAST_KINDS in fast/scan.ts). */
export const T_FAST = TABLES + 0x1200;

/** Results besides the returned index, i32 each: CELLS + 4 * CELL_... */
export const CELLS = 0x3000;
/** Where the entries recorded by the last call end. */
export const CELL_REC_LENGTH = 0;

/** Per field of a scalar kind that `fields` read, in order, SCALAR_SIZE i32: [number, start, end]. */
export const SCALARS = 0x3100;
export const SCALAR_SIZE = 3;
export const MAX_SCALARS = 256;

/**
 * Known header names (headerId in fast/wasm/scanner.ts): per key of a name (length << 10 |
 * first letter & 31 << 5 | last letter & 31) the first of its entries (u8, 0 for none); per
 * entry (1-255) the definition id (i32), the next entry with the same key (u8), and where its
 * lower-case bytes are in T_NAME_TEXT (i32).
 */
export const T_NAME_KEY = 0x4000;
export const T_NAME_ID = 0xc000;
export const T_NAME_NEXT = 0xc400;
export const T_NAME_AT = 0xc500;
export const T_NAME_TEXT = 0xd000;

/** The message's bytes (its header section at least), then CRLFCRLF. */
export const INPUT = 0x20000;
/** The records, i32 entries: per field its head (F_VALUE ... F_HEAD), then the record of its value. */
export const REC = 0x70000;
export const INPUT_CAPACITY = REC - INPUT;
export const REC_CAPACITY = 0x40000;
/** The end of the records, and of the layout: the module's memory (scripts/build-wasm.js) holds at least this much. */
export const MEMORY_END = REC + REC_CAPACITY * 4;

// ---- a field's head in the records (message-impl.ts: MessageImpl.fields) ----

/** Index of the first char of the value (after HCOLON and its whitespace). */
export const F_VALUE = 0;
/** Index of the CR that ends the field. */
export const F_END = 1;
/** (index in HEADER_DEFS + 1, 0 for an unknown header) << KIND_BITS | header kind (K.TEXT for an unknown one) */
export const F_DEF = 2;
/** Length of the record that follows. */
export const F_LEN = 3;
export const F_HEAD = 4;
/** Bits of F_DEF that hold the kind (there are fewer than 1 << KIND_BITS kinds, below). */
export const KIND_BITS = 6;
export const KIND_MASK = (1 << KIND_BITS) - 1;

// ---- header kinds (K in header-names.ts is made of these: K.VIA is K_VIA) ----

/** How the parser treats a known header (values of HeaderDef.kind), fewer than 1 << KIND_BITS. */
export const K_TEXT = 0;
export const K_VIA = 1;
export const K_FROM = 2;
export const K_TO = 3;
export const K_CALL_ID = 4;
export const K_CSEQ = 5;
export const K_MAX_FORWARDS = 6;
export const K_CONTENT_LENGTH = 7;
export const K_CONTENT_TYPE = 8;
export const K_CONTACT = 9;
export const K_ROUTE = 10;
export const K_RECORD_ROUTE = 11;
export const K_PATH = 12;
export const K_SERVICE_ROUTE = 13;
export const K_REQUIRE = 14;
export const K_PROXY_REQUIRE = 15;
export const K_SUPPORTED = 16;
export const K_UNSUPPORTED = 17;
export const K_ALLOW = 18;
export const K_CONTENT_ENCODING = 19;
export const K_ALLOW_EVENTS = 20;
export const K_EXPIRES = 21;
export const K_MIN_EXPIRES = 22;
export const K_RSEQ = 23;
export const K_RACK = 24;
export const K_WWW_AUTHENTICATE = 25;
export const K_PROXY_AUTHENTICATE = 26;
export const K_AUTHORIZATION = 27;
export const K_PROXY_AUTHORIZATION = 28;
export const K_SESSION_EXPIRES = 29;
export const K_MIN_SE = 30;
export const K_REFER_TO = 31;
export const K_REFERRED_BY = 32;
export const K_REPLACES = 33;
export const K_REASON = 34;
export const K_EVENT = 35;
export const K_ACCEPT = 36;
export const K_DATE = 37;
export const K_CONTENT_DISPOSITION = 38;

// ---- codes in the records (formats in fast/build.ts) ----

/**
 * Parameter codes: a parameter is recorded as PARAM_SIZE entries [code, nameStart, nameEnd,
 * valueStart (-1 if none), valueEnd], the code telling apart the names the stack looks at
 * without comparing strings again (names by code: PARAM_NAMES in fast/param-names.ts).
 * P_OTHER is every name without a code; there are PARAM_CODES codes.
 */
export const P_OTHER = 0;
export const P_TAG = 1;
export const P_BRANCH = 2;
export const P_RECEIVED = 3;
export const P_RPORT = 4;
export const P_MADDR = 5;
export const P_TTL = 6;
export const P_EXPIRES = 7;
export const P_Q = 8;
export const P_INSTANCE = 9;
export const P_REG_ID = 10;
export const P_REFRESHER = 11;
export const P_ID = 12;
export const P_TRANSPORT = 13;
export const P_LR = 14;
export const P_OB = 15;
export const P_USER = 16;
export const P_METHOD = 17;
export const PARAM_CODES = 18;
export const PARAM_SIZE = 5;

/** Host kinds in a URI record. */
export const HOST_KIND_DOMAIN = 0;
export const HOST_KIND_IPV4 = 1;

/** T_HOST's classes of host chars. */
export const HOST_LETTER = 1;
export const HOST_DIGIT = 2;
/** "." and "-" */
export const HOST_MARK = 3;

/** Transport codes in a Via record (names by code: TRANSPORTS in fast/build.ts); TRANSPORT_OTHER for any other. */
export const TRANSPORT_OTHER = -1;
export const TRANSPORT_UDP = 0;
export const TRANSPORT_TCP = 1;
export const TRANSPORT_TLS = 2;
export const TRANSPORT_WSS = 3;
export const TRANSPORT_WS = 4;
export const TRANSPORT_SCTP = 5;
export const TRANSPORT_CODES = 6;
