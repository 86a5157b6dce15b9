/** `84200` → `$842.00`. */
export function dollars(cents: number): string {
  return (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

/** A cost in dollars, with enough digits for fractions of a cent. */
export function cost(usd: number): string {
  return `$${usd < 0.01 && usd > 0 ? usd.toFixed(6) : usd.toFixed(4)}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }) + ' UTC';
}

/** `1234` → `1.2 s`; minutes past a minute. */
export function duration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '—';
  if (milliseconds < 1_000) return `${Math.round(milliseconds)} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1_000).toFixed(1)} s`;
  return `${Math.floor(milliseconds / 60_000)} min ${Math.round((milliseconds % 60_000) / 1_000)} s`;
}

/** From now until `iso`, in words: `in 23 h 5 min`, or `expired 3 min ago`. */
export function untilExpiry(iso: string, now = Date.now()): { text: string; expired: boolean } {
  const left = Date.parse(iso) - now;
  const words = (milliseconds: number) => {
    const minutes = Math.round(Math.abs(milliseconds) / 60_000);
    return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  };
  return left > 0 ? { text: `expires in ${words(left)}`, expired: false } : { text: `expired ${words(left)} ago`, expired: true };
}

export function tokens(count: number): string {
  return count.toLocaleString('en-US');
}

/** A long id shortened for a table: its last 8 characters (run ids are time-ordered, so their starts repeat). */
export function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}
