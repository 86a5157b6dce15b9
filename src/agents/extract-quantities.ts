/**
 * Quantities a text states, in a canonical form that lets "$54.50" meet `amountCents: 5450`,
 * "30-day" meet "30 days" and "March 13" meet "2026-03-13T10:00:00Z". Numbers without a unit
 * (order numbers, list positions) are not quantities: they claim nothing about policy.
 */
export type Quantity =
  | { kind: 'money'; cents: number; text: string }
  | { kind: 'percent'; value: number; text: string }
  | { kind: 'duration'; value: number; unit: DurationUnit; qualifier?: 'business' | 'calendar'; text: string }
  | { kind: 'date'; month: number; day: number; year?: number; text: string };

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

const numberWords: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, 'forty-five': 45, sixty: 60, ninety: 90,
};
const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const monthPattern = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const amount = '(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d{1,2}))?';
const count = `(\\d+(?:\\.\\d+)?|${Object.keys(numberWords).join('|')})`;

const patterns: Array<{ pattern: RegExp; read: (match: RegExpExecArray) => Quantity[] }> = [
  {
    pattern: new RegExp(`(?:\\$|\\bUSD\\s?|\\bUS\\$)\\s?${amount}|\\b${amount}\\s?(?:dollars|USD)\\b`, 'gi'),
    read: (match) => [{ kind: 'money', cents: toCents(match[1] ?? match[3]!, match[2] ?? match[4]), text: match[0] }],
  },
  {
    pattern: /\b(\d{1,3}(?:,\d{3})+|\d+)\s?cents\b/gi,
    read: (match) => [{ kind: 'money', cents: Number(match[1]!.replaceAll(',', '')), text: match[0] }],
  },
  {
    pattern: /\b(\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b)/gi,
    read: (match) => [{ kind: 'percent', value: Number(match[1]), text: match[0] }],
  },
  {
    // "5–10 business days", "30-day", "24 hours", "one and a half days" (read as its whole part)
    pattern: new RegExp(`\\b${count}(?:\\s?(?:-|–|—|to|or)\\s?${count})?(?: and a half)?[\\s-]+(?:(calendar|business|working)[\\s-]+)?(minute|hour|day|week|month|year)(?:s|\\(s\\))?\\b`, 'gi'),
    read: (match) => {
      const unit = match[4]!.toLowerCase() as DurationUnit;
      const qualifier = match[3] ? (match[3].toLowerCase() === 'calendar' ? 'calendar' : 'business') : undefined;
      return [match[1], match[2]].filter((value): value is string => value !== undefined).map((value) => ({
        kind: 'duration' as const,
        value: toNumber(value),
        unit,
        ...(qualifier ? { qualifier } : {}),
        text: match[0],
      }));
    },
  },
  {
    pattern: /\b(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    read: (match) => [{ kind: 'date', year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), text: match[0] }],
  },
  {
    pattern: new RegExp(`\\b${monthPattern}\\s(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s(\\d{4}))?`, 'gi'),
    read: (match) => [date(match[1]!, match[2]!, match[3], match[0])],
  },
  {
    pattern: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s(?:of\\s)?${monthPattern}(?:,?\\s(\\d{4}))?\\b`, 'gi'),
    read: (match) => [date(match[2]!, match[1]!, match[3], match[0])],
  },
];

/**
 * Every money amount, percentage, duration and calendar date in `text`.
 * @example extractQuantities('Refunds take 5–10 business days; $54.50 was paid.')
 * // [{ kind: 'money', cents: 5450 }, { kind: 'duration', value: 5, unit: 'day', qualifier: 'business' }, { … value: 10 … }]
 */
export function extractQuantities(text: string): Quantity[] {
  // Citation labels ("[refund-policy#2]") carry chunk numbers, not claims.
  const plain = text.replace(/\[[^\]\s#]+#\d+\]/g, ' ');
  const found: Array<{ index: number; quantity: Quantity }> = [];
  const taken: Array<[number, number]> = [];
  for (const { pattern, read } of patterns) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(plain); match; match = pattern.exec(plain)) {
      const span: [number, number] = [match.index, match.index + match[0].length];
      // An ISO date is not also "13 days"; a dollar amount is not also a count.
      if (taken.some(([start, end]) => span[0] < end && start < span[1])) continue;
      const quantities = read(match).filter((quantity) => quantity.kind !== 'date' || isCalendarDate(quantity));
      if (quantities.length === 0) continue;
      taken.push(span);
      for (const quantity of quantities) found.push({ index: match.index, quantity });
    }
  }
  return found.sort((left, right) => left.index - right.index).map(({ quantity }) => quantity);
}

/**
 * The quantities in structured data (tool results): strings are read as text, and a number
 * under a key that names its unit (`amountCents`, `daysLate`, `percent`) counts as that unit.
 */
export function extractQuantitiesFromData(value: unknown, key = ''): Quantity[] {
  if (typeof value === 'string') return extractQuantities(value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    const name = key.toLowerCase();
    if (name.endsWith('cents')) return [{ kind: 'money', cents: Math.round(value), text: `${key}: ${value}` }];
    if (/percent|pct/.test(name)) return [{ kind: 'percent', value, text: `${key}: ${value}` }];
    for (const unit of ['minute', 'hour', 'day', 'week', 'month', 'year'] as const) {
      if (name.includes(unit)) return [{ kind: 'duration', value, unit, text: `${key}: ${value}` }];
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((item) => extractQuantitiesFromData(item, key));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([name, item]) => extractQuantitiesFromData(item, name));
  }
  return [];
}

/**
 * Whether `claim` is backed by one of `evidence`: the same amount, percentage or date; a
 * duration in the same unit with the same number ("5 days" is backed by "5 business days",
 * "5 business days" is not backed by "5 calendar days").
 */
export function quantitySupported(claim: Quantity, evidence: readonly Quantity[]): boolean {
  return evidence.some((candidate) => {
    if (candidate.kind !== claim.kind) return false;
    switch (claim.kind) {
      case 'money':
        return candidate.kind === 'money' && candidate.cents === claim.cents;
      case 'percent':
        return candidate.kind === 'percent' && candidate.value === claim.value;
      case 'duration':
        return candidate.kind === 'duration' && candidate.unit === claim.unit && candidate.value === claim.value &&
          (claim.qualifier === undefined || candidate.qualifier === claim.qualifier);
      case 'date':
        return candidate.kind === 'date' && candidate.month === claim.month && candidate.day === claim.day &&
          (claim.year === undefined || candidate.year === undefined || candidate.year === claim.year);
    }
  });
}

function toCents(whole: string, fraction: string | undefined): number {
  return Number(whole.replaceAll(',', '')) * 100 + (fraction ? Number(fraction.padEnd(2, '0')) : 0);
}

function toNumber(value: string): number {
  return numberWords[value.toLowerCase()] ?? Number(value);
}

function date(month: string, day: string, year: string | undefined, text: string): Quantity {
  const index = months.findIndex((name) => name.startsWith(month.toLowerCase().replace('.', '').slice(0, 3)));
  return { kind: 'date', month: index + 1, day: Number(day), ...(year ? { year: Number(year) } : {}), text };
}

function isCalendarDate(quantity: Quantity): boolean {
  return quantity.kind === 'date' && quantity.month >= 1 && quantity.month <= 12 && quantity.day >= 1 && quantity.day <= 31;
}
