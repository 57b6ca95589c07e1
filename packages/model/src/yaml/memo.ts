/** `compute`, called once per key object (a RepoIndex's `files`, a parsed value): later calls get the first answer. */
export function memoizedByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = compute(key);
      cache.set(key, v);
    }
    return v;
  };
}
