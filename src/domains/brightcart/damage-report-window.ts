/** Hours after delivery in which damage is reported (damaged items policy). */
export const damageReportHours = 48;
/** Days after delivery in which electronics that do not work count as dead on arrival. */
export const deadOnArrivalDays = 30;

export interface DamageTiming {
  deliveredAt: string;
  reportedAt: string;
  category: string | undefined;
  kind: string;
}

/**
 * Whether a problem reported at `reportedAt` counts as delivery damage: within 48 hours of
 * delivery, or for electronics that do not work, within 30 days (dead on arrival).
 */
export function reportedInTime({ deliveredAt, reportedAt, category, kind }: DamageTiming): boolean {
  const hours = (Date.parse(reportedAt) - Date.parse(deliveredAt)) / 3_600_000;
  if (hours < 0) return false;
  if (hours <= damageReportHours) return true;
  return category === 'electronics' && kind === 'defective' && hours <= deadOnArrivalDays * 24;
}
