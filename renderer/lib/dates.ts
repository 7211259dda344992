/** Date inputs (`YYYY-MM-DD`, local time) to and from the gallery's millisecond bounds. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(value: string): [number, number, number] | null {
  const m = DAY.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  // new Date rolls 2025-02-30 over to March: such a day does not exist.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return [y, mo, d];
}

/** The first millisecond of a local day, or undefined for an empty or invalid value. */
export function startOfDay(value: string): number | undefined {
  const p = parts(value);
  return p ? new Date(p[0], p[1] - 1, p[2]).getTime() : undefined;
}

/** The last millisecond of a local day: the gallery's bounds are inclusive. */
export function endOfDay(value: string): number | undefined {
  const p = parts(value);
  return p ? new Date(p[0], p[1] - 1, p[2] + 1).getTime() - 1 : undefined;
}

/** "3 Jan 2025, 14:05" in the user's locale. */
export function formatDateTime(ms: number, locale?: string): string {
  return new Date(ms).toLocaleString(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
