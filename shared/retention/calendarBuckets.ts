/**
 * Bucket keys for the calendar rules, all in UTC. Two backups share a bucket exactly when their
 * keys are equal; keys of one kind sort in time order.
 */
const two = (n: number): string => String(n).padStart(2, '0');

/** `2026-03-04T13`: the UTC hour. */
export function hourKey(time: Date): string {
  return `${dayKey(time)}T${two(time.getUTCHours())}`;
}

/** `2026-03-04`: the UTC calendar day. */
export function dayKey(time: Date): string {
  return `${monthKey(time)}-${two(time.getUTCDate())}`;
}

/** `2026-W10`: the ISO 8601 week (Monday to Sunday), numbered in its ISO week-year. */
export function isoWeekKey(time: Date): string {
  // The ISO week-year and week are those of the week's Thursday.
  const day = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  const weekday = (time.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thursday = new Date(day + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${two(week)}`;
}

/** `2026-03`: the UTC calendar month. */
export function monthKey(time: Date): string {
  return `${yearKey(time)}-${two(time.getUTCMonth() + 1)}`;
}

/** `2026`: the UTC calendar year. */
export function yearKey(time: Date): string {
  return String(time.getUTCFullYear()).padStart(4, '0');
}
