import { describeValue } from '../errors/option-names';

/**
 * Where `value` holds something its JSON would not give back as it is — a Date (a string in
 * JSON), a Map or Set (`{}`), a class instance (a plain object), `undefined` in a list, `NaN`
 * or `Infinity` (`null`) — as a path and a description (`.when (a Date)`), or undefined when
 * the JSON round trip gives back an equal value. The journal keeps values as JSON: one that
 * fails this would differ between a live run and a resumed one. An object's `undefined`
 * field, which JSON leaves out, reads the same either way and passes. `kept` names objects the
 * reader gives back itself (XState restores an actor reference from its JSON): they pass.
 */
export function nonJsonValue(
  value: unknown,
  path = '',
  kept?: (value: object) => boolean,
): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path || 'the value'} (${value})`;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          const item: unknown = value[index];
          if (item === undefined) return `${path}[${index}] (undefined, null in JSON)`;
          const found = nonJsonValue(item, `${path}[${index}]`, kept);
          if (found) return found;
        }
        return undefined;
      }
      if (kept?.(value)) return undefined;
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        return `${path || 'the value'} (${describeValue(value)})`;
      }
      for (const key of Object.keys(value)) {
        const field: unknown = (value as Record<string, unknown>)[key];
        if (field === undefined) continue;
        const found = nonJsonValue(field, `${path}.${key}`, kept);
        if (found) return found;
      }
      return undefined;
    }
    case 'undefined':
      return undefined;
    default:
      return `${path || 'the value'} (${describeValue(value)})`;
  }
}
