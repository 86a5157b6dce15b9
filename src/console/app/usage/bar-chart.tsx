import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only what bar charts need, so the bundle carries no other chart type.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  label: string;
  values: number[];
  color: string;
  /** Plotted against the right-hand axis (cost beside tokens). */
  right?: boolean;
}

/** A bar chart (Chart.js on a canvas), with its numbers also in a table for screen readers. */
export function BarChart({ id, title, labels, series, format }: { id: string; title: string; labels: string[]; series: Series[]; format: (value: number, series: Series) => string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((entry) => ({ label: entry.label, data: entry.values, backgroundColor: entry.color, yAxisID: entry.right ? 'right' : 'left' })),
      },
      options: {
        // Drawn at once: a screenshot or a test sees the final chart.
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          left: { type: 'linear', position: 'left', beginAtZero: true },
          ...(series.some((entry) => entry.right) ? { right: { type: 'linear' as const, position: 'right' as const, beginAtZero: true, grid: { drawOnChartArea: false } } } : {}),
        },
      },
    });
    return () => chart.destroy();
  }, [labels.join('\u0000'), JSON.stringify(series)]);
  return (
    <figure class="chart" id={id} data-points={labels.length}>
      <figcaption>{title}</figcaption>
      <div class="canvas-box"><canvas ref={canvas} role="img" aria-label={`${title}: bar chart; the numbers follow in a table`} /></div>
      <details>
        <summary>Numbers</summary>
        <table>
          <thead><tr><th>{title}</th>{series.map((entry) => <th>{entry.label}</th>)}</tr></thead>
          <tbody>{labels.map((label, index) => <tr data-key={label}><td>{label}</td>{series.map((entry) => <td>{format(entry.values[index] ?? 0, entry)}</td>)}</tr>)}</tbody>
        </table>
      </details>
    </figure>
  );
}
