import { describe, expect, it } from 'vitest';
import { parsePrometheus } from '../../test/support/parse-prometheus.ts';
import { createMetrics } from './create-metrics.ts';

describe('metrics', () => {
  it('keeps two services in one process apart, and gives both the process metrics', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.toolCall({ tool: 'issue_refund', outcome: 'executed', tenant: 'acme' });
    first.toolCall({ tool: 'issue_refund', outcome: 'executed', tenant: 'acme' });
    second.toolCall({ tool: 'issue_refund', outcome: 'forbidden', tenant: 'acme' });
    const [one, two] = [parsePrometheus(await first.render()), parsePrometheus(await second.render())];
    expect(one.value('overseer_tool_calls_total', { outcome: 'executed' })).toBe(2);
    expect(one.has('overseer_tool_calls_total', { outcome: 'forbidden' })).toBe(false);
    expect(two.value('overseer_tool_calls_total', { outcome: 'forbidden' })).toBe(1);
    for (const exposition of [one, two]) expect(exposition.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('labels by tenant only when asked to', async () => {
    const metrics = createMetrics({ tenantLabel: true, defaultMetrics: false });
    metrics.modelCall({ role: 'executor', model: 'gpt-4o-mini', tenant: 'acme', outcome: 'ok', durationSeconds: 0.2, tokens: { input: 100, output: 10, cached: 0, reasoning: 0 }, costUsd: 0.000021 });
    const exposition = parsePrometheus(await metrics.render());
    expect(exposition.value('overseer_model_tokens_total', { tenant: 'acme', kind: 'input' })).toBe(100);
    expect(exposition.value('overseer_model_cost_usd_total', { tenant: 'acme' })).toBeCloseTo(0.000021, 12);
    // Histograms stay without a tenant: their buckets multiply the series.
    expect(exposition.samples.filter((sample) => sample.name.startsWith('overseer_model_call_duration_seconds')).every((sample) => !('tenant' in sample.labels))).toBe(true);
    expect(exposition.has('nodejs_eventloop_lag_seconds')).toBe(false);
  });

  it('reports breaker states and queue depth read at scrape time', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let states: Record<string, string> = { orders: 'closed' };
    metrics.watch({ breakers: () => states, queue: () => ({ waiting: 3, running: 2 }) });
    expect(parsePrometheus(await metrics.render()).value('overseer_upstream_breaker_state', { upstream: 'orders', state: 'closed' })).toBe(1);
    states = { orders: 'open' };
    const exposition = parsePrometheus(await metrics.render());
    expect(exposition.value('overseer_upstream_breaker_state', { upstream: 'orders', state: 'open' })).toBe(1);
    expect(exposition.value('overseer_upstream_breaker_state', { upstream: 'orders', state: 'closed' })).toBe(0);
    expect(exposition.value('overseer_run_queue_depth')).toBe(3);
    expect(exposition.value('overseer_runs_executing')).toBe(2);
  });

  it('reports the queue depth as unknown when a shared queue does not answer, and still renders', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watch({ queue: () => Promise.reject(new Error('the run queue (Redis) did not answer within 1 s')) });
    const exposition = parsePrometheus(await metrics.render());
    expect(exposition.value('overseer_run_queue_depth')).toBeNaN();
  });
});
