// At most `limit` tasks at a time, started in the order they were queued.
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        // The slot is handed to the next task before the caller hears of the
        // result: a caller that then works synchronously for a while (schema
        // validation of a rendered manifest) would otherwise keep the next
        // helm process from starting until it is done.
        task()
          .finally(() => {
            active--;
            next();
          })
          .then(resolve, reject);
      });
      next();
    });
}
