/** How spans are filled in, read where they are made. */
export interface TracingSettings {
  /** `OTEL_SEMCONV_STABILITY_OPT_IN` names `gen_ai_latest_experimental`: the latest GenAI names only, no deprecated duplicates. */
  latestConventions: boolean;
  /** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`: prompts, replies, tool arguments and results, queries go on spans. */
  captureContent: boolean;
}

const defaults: TracingSettings = { latestConventions: false, captureContent: false };

// Spans are made where the work happens (a callback handler, the tool runner, the retriever),
// through OpenTelemetry's global tracer as instrumentation does; their settings live beside it,
// set by `createTracing` and reset when it shuts down.
let current: TracingSettings = defaults;

/** The settings of the tracing `createTracing` started (defaults when none is). */
export function tracingSettings(): TracingSettings {
  return current;
}

export function setTracingSettings(settings: TracingSettings | undefined): void {
  current = settings ?? defaults;
}

/** Whether `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list) asks for the latest experimental GenAI conventions. */
export function optsIntoLatestGenAi(optIn: string | undefined): boolean {
  return (optIn ?? '').split(',').map((value) => value.trim()).includes('gen_ai_latest_experimental');
}
