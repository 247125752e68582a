/** class-transformer `@Transform` functions shared by DTOs and the environment: they leave values they do not understand to the validators. */
type Input = { value: unknown };

export const trim = ({ value }: Input) => (typeof value === 'string' ? value.trim() : value);
export const upper = ({ value }: Input) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
/** `"42"` → 42 (query strings and environment variables are strings). */
export const integer = ({ value }: Input) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
/** `"mon, Tue"` → `["mon", "tue"]`. */
export const commaList = ({ value }: Input) => (typeof value === 'string' ? value.split(',').map((part) => part.trim().toLowerCase()) : value);
export const boolean = ({ value }: Input) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
export const emptyToUndefined = ({ value }: Input) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
