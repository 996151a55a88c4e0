/**
 * A pickle reader for checkpoints, the equivalent of PyTorch's `torch.load(weights_only=True)`.
 *
 * It runs the opcodes that CPython's pickler emits at protocols 2-5 for dicts, lists, tuples,
 * ints, floats, strings, bytes, None and bools, the memo, persistent ids (tensor storages), and
 * GLOBAL/STACK_GLOBAL + REDUCE/BUILD for an allowlist of callables only (ordered dicts, tensor
 * rebuild functions, storage types, torch.Size). Any other global is refused when it is looked
 * up, before anything could call it. See https://docs.python.org/3/library/pickletools.html and
 * PyTorch's torch/_weights_only_unpickler.py for the reference semantics.
 *
 * Safety: every opcode consumes at least one byte, so a run is bounded by the input length;
 * lengths are checked against the bytes that remain before anything is read or allocated; the
 * memo is a Map (a huge index costs nothing); mark nesting and the object graph's depth are
 * capped and reference cycles are refused, so consumers can recurse safely.
 *
 * Output (see `toJs`): dicts whose keys are all strings become plain objects in insertion order
 * (integer-like keys such as "0" are moved first by JavaScript itself); dicts with any other key
 * (optimizer `state` has int keys) become `Map`s; lists and tuples become arrays; Python ints
 * become numbers, or bigints beyond 2^53; bytes become Uint8Array; tensors are whatever the
 * caller's hooks make of them (RawTensor).
 */
import { CheckpointError, check } from './errors.js';
import { ALLOWED, PyDict, PyGlobal, PyTensor, refuse, STORAGE_TYPES, typeName } from './pickle-values.js';

export { PyDict, PyGlobal, PyTensor, STORAGE_TYPES, toJs } from './pickle-values.js';

export interface PickleHooks {
  /** BINPERSID: torch.save pickles storages as ('storage', type, key, location, numel, ...). */
  persistentLoad(pid: unknown): unknown;
}

const MAX_MARK_DEPTH = 1000;
const MAX_LONG_BYTES = 64;

// biome-ignore format: a table
const OPNAMES: Record<number, string> = {
  40: 'MARK', 46: 'STOP', 48: 'POP', 49: 'POP_MARK', 50: 'DUP', 70: 'FLOAT', 73: 'INT',
  74: 'BININT', 75: 'BININT1', 76: 'LONG', 77: 'BININT2', 78: 'NONE', 80: 'PERSID',
  81: 'BINPERSID', 82: 'REDUCE', 83: 'STRING', 84: 'BINSTRING', 85: 'SHORT_BINSTRING',
  86: 'UNICODE', 88: 'BINUNICODE', 97: 'APPEND', 98: 'BUILD', 99: 'GLOBAL', 100: 'DICT',
  125: 'EMPTY_DICT', 101: 'APPENDS', 103: 'GET', 104: 'BINGET', 105: 'INST', 106: 'LONG_BINGET',
  108: 'LIST', 93: 'EMPTY_LIST', 111: 'OBJ', 112: 'PUT', 113: 'BINPUT', 114: 'LONG_BINPUT',
  115: 'SETITEM', 116: 'TUPLE', 41: 'EMPTY_TUPLE', 117: 'SETITEMS', 71: 'BINFLOAT', 128: 'PROTO',
  129: 'NEWOBJ', 130: 'EXT1', 131: 'EXT2', 132: 'EXT4', 133: 'TUPLE1', 134: 'TUPLE2',
  135: 'TUPLE3', 136: 'NEWTRUE', 137: 'NEWFALSE', 138: 'LONG1', 139: 'LONG4', 66: 'BINBYTES',
  67: 'SHORT_BINBYTES', 140: 'SHORT_BINUNICODE', 141: 'BINUNICODE8', 142: 'BINBYTES8',
  143: 'EMPTY_SET', 144: 'ADDITEMS', 145: 'FROZENSET', 146: 'NEWOBJ_EX', 147: 'STACK_GLOBAL',
  148: 'MEMOIZE', 149: 'FRAME', 150: 'BYTEARRAY8', 151: 'NEXT_BUFFER', 152: 'READONLY_BUFFER',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Little-endian two's complement integer of LONG1/LONG4 as a number when safe, else a bigint. */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const intList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isInt);

/**
 * Runs one pickle starting at `start`; returns its value (in the internal form: PyDict,
 * arrays, primitives, hook objects) and the offset just past its STOP opcode.
 */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks, start = 0): { value: unknown; end: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const where = () => `pickle: at byte ${pos}`;

  const need = (n: number | bigint, what: string): number => {
    // never negative (BINSTRING's length is signed): `pos` only moves forward, so runs terminate
    check(n >= 0, () => `${where()}: ${what} has a negative length ${n}`);
    check(
      BigInt(n) <= BigInt(bytes.length - pos),
      () => `${where()}: ${what} of ${n} bytes runs past the end of the data`,
    );
    return Number(n);
  };
  const take = (n: number | bigint, what: string): Uint8Array => {
    const len = need(n, what);
    const out = bytes.subarray(pos, pos + len);
    pos += len;
    return out;
  };
  /** Reads a fixed-size little-endian argument after checking that its bytes exist. */
  const arg = <T>(size: number, read: (o: number) => T): T => {
    need(size, 'argument');
    pos += size;
    return read(pos - size);
  };
  const u8 = () => arg(1, (o) => bytes[o]);
  const u16 = () => arg(2, (o) => dv.getUint16(o, true));
  const u32 = () => arg(4, (o) => dv.getUint32(o, true));
  const i32 = () => arg(4, (o) => dv.getInt32(o, true));
  const u64 = () => arg(8, (o) => dv.getBigUint64(o, true));
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, pos);
    check(nl >= 0 && nl - pos <= 1024, () => `${where()}: unterminated text argument`);
    const s = latin1.decode(bytes.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const text = (b: Uint8Array): string => {
    try {
      return utf8.decode(b);
    } catch {
      throw new CheckpointError(`${where()}: string is not valid UTF-8`);
    }
  };
  const pop = (): unknown => {
    check(stack.length > 0, () => `${where()}: stack underflow`);
    return stack.pop();
  };
  const top = (): unknown => {
    check(stack.length > 0, () => `${where()}: stack underflow`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    check(metastack.length > 0, () => `${where()}: no MARK to pop to`);
    const items = stack;
    stack = metastack.pop()!;
    return items;
  };
  const put = (i: number) => memo.set(i, top());
  const get = (i: number) => {
    check(memo.has(i), () => `${where()}: memo key ${i} was never stored`);
    stack.push(memo.get(i));
  };
  const lookup = (module: string, name: string): PyGlobal => {
    const q = `${module}.${name}`;
    if (!Object.hasOwn(ALLOWED, q) && !Object.hasOwn(STORAGE_TYPES, q)) refuse(q);
    return new PyGlobal(module, name);
  };
  const setItems = (d: unknown, kv: unknown[]) => {
    check(d instanceof PyDict, () => `${where()}: SETITEM(S) on a ${typeName(d)}, not a dict`);
    check(kv.length % 2 === 0, () => `${where()}: SETITEMS with an odd number of items`);
    for (let i = 0; i < kv.length; i += 2) {
      check(
        typeof kv[i] !== 'object' || Array.isArray(kv[i]) || kv[i] === null,
        () => `${where()}: unhashable dict key (${typeName(kv[i])})`,
      );
      d.map.set(kv[i], kv[i + 1]);
    }
  };
  const append = (l: unknown, items: unknown[]) => {
    check(Array.isArray(l), () => `${where()}: APPEND(S) on a ${typeName(l)}, not a list`);
    for (const x of items) l.push(x);
  };

  const reduce = (f: unknown, args: unknown): unknown => {
    check(f instanceof PyGlobal, () => `${where()}: REDUCE of a ${typeName(f)}, not an allowed global`);
    check(Array.isArray(args), () => `${where()}: REDUCE arguments are not a tuple`);
    const kind = ALLOWED[f.qualname];
    const bad = () => `${where()}: ${f.qualname} called with unexpected arguments`;
    switch (kind) {
      case 'ordereddict': {
        const d = new PyDict();
        if (args.length === 1 && Array.isArray(args[0]))
          for (const kv of args[0]) {
            check(Array.isArray(kv) && kv.length === 2, bad);
            setItems(d, kv);
          }
        else check(args.length === 0, bad);
        return d;
      }
      case 'rebuild_v2':
      case 'rebuild': {
        check(args.length >= 4 && args.length <= 7, bad);
        const [storage, offset, size, stride, requiresGrad] = args;
        check(isInt(offset) && intList(size) && intList(stride), bad);
        const t = new PyTensor(storage, offset, size, stride);
        t.requiresGrad = requiresGrad === true;
        return t;
      }
      case 'parameter':
      case 'parameter_with_state': {
        check(args.length >= 2 && args[0] instanceof PyTensor, bad);
        args[0].requiresGrad = args[1] === true;
        return args[0];
      }
      case 'from_type_v2': {
        // _rebuild_from_type_v2(func, new_type, args, state): func(*args), only for plain tensors/parameters
        const [fn, type, inner] = args;
        check(type instanceof PyGlobal && ALLOWED[type.qualname] === 'value' && fn instanceof PyGlobal, bad);
        check(ALLOWED[fn.qualname] !== 'from_type_v2', bad);
        return reduce(fn, inner);
      }
      case 'size':
        check(args.length === 1 && intList(args[0]), bad);
        return [...args[0]];
      case 'codecs_encode': {
        // protocol 2 pickles Python 3 bytes as _codecs.encode(latin-1 text, 'latin1')
        const [s, enc] = args;
        check(typeof s === 'string' && (enc === 'latin1' || enc === 'latin-1'), bad);
        const out = new Uint8Array(s.length);
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          check(c < 256, bad);
          out[i] = c;
        }
        return out;
      }
      default:
        // storage types and torch.Tensor are allowlisted as values, never as callables
        return refuse(f.qualname);
    }
  };

  for (;;) {
    check(pos < bytes.length, () => `pickle: data ends at byte ${pos} without a STOP opcode`);
    const opAt = pos;
    const op = bytes[pos++];
    switch (op) {
      case 0x80: // PROTO
        check(u8() <= 5, () => `pickle: unsupported protocol ${bytes[pos - 1]} (2 to 5 are read)`);
        break;
      case 0x95: // FRAME: a length hint; the framed opcodes follow inline
        u64();
        break;
      case 0x2e: // STOP
        check(
          metastack.length === 0 && stack.length === 1,
          () => `pickle: STOP at byte ${opAt} with an unbalanced stack`,
        );
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        check(
          metastack.length < MAX_MARK_DEPTH,
          () => `${where()}: pickle nests deeper than ${MAX_MARK_DEPTH} marks`,
        );
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const n = op === 0x8a ? u8() : u32();
        check(n <= MAX_LONG_BYTES, () => `${where()}: integer of ${n} bytes is too large for a checkpoint`);
        stack.push(decodeLong(take(n, 'LONG')));
        break;
      }
      case 0x47: // BINFLOAT: big-endian double
        need(8, 'BINFLOAT');
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(take(u32(), 'BINUNICODE')));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(take(u8(), 'SHORT_BINUNICODE')));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(take(u64(), 'BINUNICODE8')));
        break;
      case 0x54: // BINSTRING (Python 2 str): read as latin-1, as PyTorch's encoding='latin1'
        stack.push(latin1.decode(take(i32(), 'BINSTRING')));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8(), 'SHORT_BINSTRING')));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32(), 'BINBYTES').slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8(), 'SHORT_BINBYTES').slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64(), 'BINBYTES8').slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: {
        // TUPLE (popMark swaps `stack`: pop before naming the stack to push onto)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const x = pop();
        append(top(), [x]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x71: // BINPUT
        put(u8());
        break;
      case 0x72: // LONG_BINPUT
        put(u32());
        break;
      case 0x70: // PUT (text)
        put(Number.parseInt(line(), 10));
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x68: // BINGET
        get(u8());
        break;
      case 0x6a: // LONG_BINGET
        get(u32());
        break;
      case 0x67: // GET (text)
        get(Number.parseInt(line(), 10));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(lookup(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        check(
          typeof module === 'string' && typeof name === 'string',
          () => `${where()}: STACK_GLOBAL needs two strings`,
        );
        stack.push(lookup(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const f = pop();
        stack.push(reduce(f, args));
        break;
      }
      case 0x62: {
        // BUILD: attribute state on an ordered dict (state_dict._metadata) or a tensor is dropped
        const state = pop();
        const obj = top();
        check(
          obj instanceof PyDict || obj instanceof PyTensor,
          () => `${where()}: BUILD on a ${typeName(obj)}`,
        );
        check(
          state === null || state instanceof PyDict || Array.isArray(state),
          () => `${where()}: BUILD with a ${typeName(state)} state`,
        );
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x81: // NEWOBJ: cls.__new__(cls, *args); no allowlisted class needs it
      case 0x92: {
        // NEWOBJ_EX
        if (op === 0x92) pop();
        pop();
        const cls = pop();
        return refuse(cls instanceof PyGlobal ? cls.qualname : `<${typeName(cls)}>`);
      }
      default:
        throw new CheckpointError(
          `pickle: unsupported opcode 0x${op.toString(16).padStart(2, '0')} (${OPNAMES[op] ?? 'unknown'}) at byte ${opAt}: ` +
            'only what state dicts need is read (weights_only)',
        );
    }
  }
}
