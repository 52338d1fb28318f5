/**
 * A map for a handful of entries, mostly one: it keeps its first entry in two fields and makes
 * a `Map` only when a second comes (an empty `Map` already costs ~180 bytes). A run keeps one
 * for its running effects and one for its human waits; a run resting on one wait for days
 * keeps one entry in each. Insertion order is kept, as a `Map` keeps it.
 */
export class SmallMap<TKey, TValue> {
  /** Set while the map holds one entry or none: whether it holds it, and what. */
  #hasOne = false;
  #key: TKey | undefined;
  #value: TValue | undefined;
  /** Made with the second entry; every entry lives there from then on. */
  #map: Map<TKey, TValue> | undefined;

  get size(): number {
    if (this.#map) return this.#map.size;
    return this.#hasOne ? 1 : 0;
  }

  get(key: TKey): TValue | undefined {
    if (this.#map) return this.#map.get(key);
    return this.#hasOne && this.#key === key ? this.#value : undefined;
  }

  has(key: TKey): boolean {
    if (this.#map) return this.#map.has(key);
    return this.#hasOne && this.#key === key;
  }

  set(key: TKey, value: TValue): void {
    if (this.#map) {
      this.#map.set(key, value);
    } else if (!this.#hasOne || this.#key === key) {
      this.#hasOne = true;
      this.#key = key;
      this.#value = value;
    } else {
      this.#map = new Map([[this.#key as TKey, this.#value as TValue]]);
      this.#map.set(key, value);
      this.#forgetOne();
    }
  }

  delete(key: TKey): boolean {
    if (this.#map) return this.#map.delete(key);
    if (!this.#hasOne || this.#key !== key) return false;
    this.#forgetOne();
    return true;
  }

  clear(): void {
    this.#map = undefined;
    this.#forgetOne();
  }

  /** The values, in insertion order, as an array (a snapshot: changing the map leaves it as it is). */
  values(): TValue[] {
    if (this.#map) return [...this.#map.values()];
    return this.#hasOne ? [this.#value as TValue] : [];
  }

  /** The keys, in insertion order, as an array (a snapshot). */
  keys(): TKey[] {
    if (this.#map) return [...this.#map.keys()];
    return this.#hasOne ? [this.#key as TKey] : [];
  }

  #forgetOne(): void {
    this.#hasOne = false;
    this.#key = undefined;
    this.#value = undefined;
  }
}
