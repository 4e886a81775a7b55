import { readRecording } from '/work/wt/e-conformance/tools/conformance/recording.ts';
import { replay } from '/work/wt/e-conformance/tools/conformance/replay.ts';
const orig = TypeError.prototype;
process.on('warning', () => {});
const r = readRecording(process.argv[2]!);
const origCaptureStackTrace = Error.captureStackTrace;
const seen: string[] = [];
class Spy extends TypeError {}
void Spy; void orig; void origCaptureStackTrace;
globalThis.addEventListener?.('error', () => {});
const out = await replay(r);
console.log(JSON.stringify(out.errors, null, 1), seen);
