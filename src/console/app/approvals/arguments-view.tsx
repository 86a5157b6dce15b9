import { dollars } from '../format.ts';

/** A value as read: amounts in cents also in dollars, everything else as its JSON. */
function Value({ name, value }: { name: string; value: unknown }) {
  if (/Cents$/.test(name) && typeof value === 'number') return <span><strong class="amount">{dollars(value)}</strong> <span class="muted">({value} cents)</span></span>;
  return <span>{typeof value === 'string' ? value : JSON.stringify(value)}</span>;
}

/** The exact arguments of a call: as a table to read, and verbatim as JSON. */
export function ArgumentsView({ args, id }: { args: Record<string, unknown>; id: string }) {
  return (
    <div class="arguments">
      <dl>
        {Object.entries(args).map(([name, value]) => (
          <div class="pair" data-argument={name}><dt>{name}</dt><dd><Value name={name} value={value} /></dd></div>
        ))}
      </dl>
      <details>
        <summary>Exact arguments (JSON)</summary>
        <pre id={id} class="json">{JSON.stringify(args, null, 2)}</pre>
      </details>
    </div>
  );
}

/** Facts and other evidence: plain values as a list, nested ones as JSON. */
export function EvidenceView({ facts }: { facts: unknown }) {
  if (facts === undefined || facts === null) return <p class="muted">No facts were recorded.</p>;
  if (typeof facts !== 'object' || Array.isArray(facts)) return <pre class="json">{JSON.stringify(facts, null, 2)}</pre>;
  return (
    <dl class="evidence">
      {Object.entries(facts as Record<string, unknown>).map(([name, value]) => (
        <div class="pair" data-fact={name}><dt>{name}</dt><dd>{value !== null && typeof value === 'object' ? <pre class="json">{JSON.stringify(value, null, 2)}</pre> : <Value name={name} value={value} />}</dd></div>
      ))}
    </dl>
  );
}
