// Progress lines while the bench runs: rewritten in place on a terminal, every few seconds in a log.
export interface Progress {
  /** Start a step; `update` rewrites its status line. */
  step(title: string): void;
  update(status: string): void;
  done(result: string): void;
  log(message: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const tty = stream.isTTY === true;
  let title = "";
  let lastPrinted = 0;
  let open = false;
  const write = (text: string) => {
    if (!quiet) stream.write(text);
  };
  const clear = () => {
    if (tty && open) write("\r\x1b[2K");
    open = false;
  };
  return {
    step(next) {
      clear();
      title = next;
      lastPrinted = 0;
      write(tty ? `▸ ${title}` : `▸ ${title}\n`);
      open = tty;
    },
    update(status) {
      if (tty) {
        write(`\r\x1b[2K▸ ${title}: ${status}`);
        open = true;
      } else if (Date.now() - lastPrinted > 3000) {
        lastPrinted = Date.now();
        write(`  ${title}: ${status}\n`);
      }
    },
    done(result) {
      clear();
      write(`✓ ${title}: ${result}\n`);
    },
    log(message) {
      clear();
      write(`  ${message}\n`);
    },
  };
}
