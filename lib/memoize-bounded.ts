// A pure function of a string, remembered for the last `size` keys it was asked about first
// (the oldest answer goes first). For the engine's hot path, where the same few webhook URLs and
// secrets come up attempt after attempt; five lines of Map, so no cache library.
export function memoizeBounded<V>(size: number, compute: (key: string) => V): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = compute(key);
      if (answers.size >= size) answers.delete(answers.keys().next().value as string);
      answers.set(key, answer);
    }
    return answer;
  };
}
