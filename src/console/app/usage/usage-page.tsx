import { useState } from 'preact/hooks';
import type { Api } from '../api-client.ts';
import { cost, tokens } from '../format.ts';
import type { Usage } from '../runs/run.ts';
import { Empty, ErrorMessage, Loading } from '../status-views.tsx';
import { useLoad } from '../use-load.ts';
import { BarChart, type Series } from './bar-chart.tsx';

interface UsageReport {
  totals: Usage;
  groups: Array<Usage & { key: string }>;
}

const groupings = [
  { by: 'day', title: 'Per day (UTC)' },
  { by: 'agent', title: 'Per assistant role' },
  { by: 'model', title: 'Per model' },
] as const;

function seriesOf(report: UsageReport): Series[] {
  return [
    { label: 'Input tokens', values: report.groups.map((group) => group.input_tokens), color: '#4c6ef5' },
    { label: 'Output tokens', values: report.groups.map((group) => group.output_tokens), color: '#15aabf' },
    { label: 'Cost (USD)', values: report.groups.map((group) => group.cost_usd), color: '#f59f00', right: true },
  ];
}

/** Tokens and estimated cost of the tenant for a period, per day, per role and per model, from `GET /usage`. */
export function UsagePage({ api }: { api: Api }) {
  const [draft, setDraft] = useState({ from: '', to: '' });
  const [period, setPeriod] = useState({ from: '', to: '' });
  const reports = useLoad(
    () => Promise.all(groupings.map(({ by }) => api.get<UsageReport>('/usage', { ...period, group_by: by }))),
    [api, period.from, period.to],
  );
  const totals = reports.data?.[0]?.totals;
  return (
    <>
      <h1>Usage</h1>
      <form class="filters" aria-label="Period" onSubmit={(event) => { event.preventDefault(); setPeriod({ ...draft }); }}>
        <div class="field"><label for="usage-from">From (UTC day)</label><input id="usage-from" type="date" value={draft.from} onInput={(event) => setDraft({ ...draft, from: event.currentTarget.value })} /></div>
        <div class="field"><label for="usage-to">To (UTC day)</label><input id="usage-to" type="date" value={draft.to} onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value })} /></div>
        <div class="actions"><button type="submit" class="primary" id="apply-period">Show</button></div>
      </form>
      <p class="muted">{period.from || period.to ? `From ${period.from || 'the first record'} to ${period.to || 'today'}.` : 'Every recorded day.'}</p>
      <ErrorMessage error={reports.error} />
      {!reports.data && reports.loading && <Loading what="usage" />}
      {totals && totals.calls === 0 && <Empty>No model calls in this period.</Empty>}
      {totals && totals.calls > 0 && (
        <>
          <dl class="facts" id="usage-totals">
            <div class="pair"><dt>Model calls</dt><dd>{tokens(totals.calls)}</dd></div>
            <div class="pair"><dt>Input tokens</dt><dd>{tokens(totals.input_tokens)}</dd></div>
            <div class="pair"><dt>Output tokens</dt><dd>{tokens(totals.output_tokens)}</dd></div>
            <div class="pair"><dt>Estimated cost</dt><dd data-field="cost">{cost(totals.cost_usd)}{totals.estimated ? ' (some counts estimated)' : ''}</dd></div>
          </dl>
          <div class="charts">
            {groupings.map(({ by, title }, index) => (
              <BarChart
                id={`usage-${by}`}
                title={title}
                labels={reports.data![index]!.groups.map((group) => group.key)}
                series={seriesOf(reports.data![index]!)}
                format={(value, series) => (series.right ? cost(value) : tokens(value))}
              />
            ))}
          </div>
        </>
      )}
    </>
  );
}
