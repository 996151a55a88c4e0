/**
 * Counters that make the backend's cost visible where lavapipe's timings mean little: how many
 * dispatches, submits, pipeline compiles and buffer creations a training step costs.
 */
export interface WebGPUStats {
  /** Compute dispatches recorded. */
  dispatches: number;
  /** queue.submit calls (one per batch: a read, synchronize, or a full batch). */
  submits: number;
  /** WGSL pipelines compiled (cache misses). */
  pipelineCompiles: number;
  /** GPUBuffers created for storage (pool misses) and for readback staging. */
  bufferAllocations: number;
  /** GPUBindGroups created (cache misses; a steady training step creates none). */
  bindGroupCreations: number;
  /** Bytes uploaded with queue.writeBuffer (tensor data, not uniforms). */
  bytesWritten: number;
  /** Bytes read back to the host. */
  bytesRead: number;
  /** Readbacks (mapAsync round trips). */
  reads: number;
}

export const counters: WebGPUStats = {
  dispatches: 0,
  submits: 0,
  pipelineCompiles: 0,
  bufferAllocations: 0,
  bindGroupCreations: 0,
  bytesWritten: 0,
  bytesRead: 0,
  reads: 0,
};

/** A snapshot of the counters since the last `resetStats()`. */
export const stats = (): WebGPUStats => ({ ...counters });

export function resetStats(): void {
  for (const k of Object.keys(counters) as (keyof WebGPUStats)[]) counters[k] = 0;
}

/**
 * Optional event log for tests and benchmarks: when on, every dispatch records its pipeline key
 * (`ew:...`, `mm:...`, ...), every pool miss `alloc:<bytes>` and every submit `submit`. Off by
 * default (no cost beyond one null check per event).
 */
let traceLog: string[] | null = null;
export const traceEvent = (e: string): void => {
  traceLog?.push(e);
};
/** Starts recording events (clearing any previous log). */
export function startTrace(): void {
  traceLog = [];
}
/** Stops recording and returns the events since `startTrace()`. */
export function stopTrace(): string[] {
  const t = traceLog ?? [];
  traceLog = null;
  return t;
}
