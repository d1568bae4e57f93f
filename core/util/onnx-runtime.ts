/**
 * onnxruntime-node ships Microsoft's telemetry: at its first session it writes a device id and an event cache to
 * ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and a debug log /tmp/mat-debug-<pid>.log. Framewise sends and
 * keeps nothing of the kind: `ORT_DISABLE_TELEMETRY=1`, set before the runtime initialises, turns all of it off.
 * Native code reads the real process environment, which only the main thread can change (a worker thread's
 * `process.env` is a copy native code never sees): so this module sets it when it is loaded, and every module
 * that loads the runtime or starts a worker that does imports it first.
 */
export function disableOnnxTelemetry(): void {
  process.env.ORT_DISABLE_TELEMETRY = '1';
}
disableOnnxTelemetry();

/** onnxruntime-node, with its telemetry off. */
export async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  disableOnnxTelemetry();
  return import('onnxruntime-node');
}
