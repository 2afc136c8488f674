/**
 * Whether OpenTelemetry tracing is asked for: an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT for traces alone), and neither OTEL_SDK_DISABLED=true nor
 * OTEL_TRACES_EXPORTER=none turns it off. It imports nothing: src/main.ts asks before anything of OpenTelemetry is
 * loaded, and when the answer is no, nothing ever is.
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() !== 'none';
}
