/**
 * The `shared/conformance` case format (test/fixtures/pytorch/FORMAT.md) as types: PyTorch's
 * numbers for one op call, its gradients, and the tolerances to hold them to.
 */

import type { DType } from '../tensor/dtype.js';

/** A float is a JSON number or one of the strings PyTorch's writer uses for non-finite values. */
export type JsonNumber = number | 'nan' | 'inf' | '-inf';

export interface CaseTensor {
  shape: number[];
  /** Any torchts dtype (the vendored files hold float32/float64/int64/bool; the 16-bit sweep casts). */
  dtype: DType;
  data: JsonNumber[];
  requires_grad?: boolean;
  noncontiguous?: boolean;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** A keyword value `{"$input": i}` passes input xi under that name. */
export type CaseValue = number | boolean | string | null | CaseValue[] | { $input: number };

export interface OpCase {
  group: string;
  name: string;
  op: string;
  call: string;
  args: CaseValue[];
  kwargs: Record<string, CaseValue>;
  inputs: CaseTensor[];
  outputs: CaseTensor[];
  mutated?: Record<string, CaseTensor>;
  upstream?: CaseTensor;
  grads?: (CaseTensor | null)[];
  tol: Tolerance;
  gtol?: Tolerance;
}

export interface CaseFile {
  path: string;
  generator?: string;
  cases: OpCase[];
}

/** One case's verdict, as `--json` prints it (plus the worst error for summaries). */
export interface CaseResult {
  name: string;
  group: string;
  device: string;
  passed: boolean;
  /** What failed, with the worst element; null when passed. */
  error: string | null;
  /**
   * Worst element error as a fraction of its allowance `atol + rtol * |expected|` (<= 1 passes),
   * over outputs, gradients and mutated inputs; Infinity for a mismatch that has no size
   * (wrong shape, dtype, NaN where a number was expected, a thrown error).
   */
  worst: number;
  /** Worst absolute difference |actual - expected| seen over all compared values. */
  worstAbs: number;
}
